/*
 * One route of the service, declared once beside its handler: what `mount` applies (roles, body
 * reader, validation) and what the OpenAPI document is generated from (issuer/http/openapi.ts).
 */
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '../service-error.js';
import type { Role } from './session.js';

/**
 * Who may call a route, in its `x-roles`: `public` is anyone, signed in or not;
 * `verifier-device` a registered police verifier device by its bearer token, never a session.
 */
export type XRole = 'public' | Role | 'verifier-device';

/** The HTTP methods the service answers. */
export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** A reply other than a problem: its body's schema by media type, and its headers. */
export interface ReplySpec {
  readonly description: string;
  readonly content?: Readonly<Record<string, z.ZodType>>;
  readonly headers?: z.ZodObject;
}

/** A JSON body: read by the API's JSON reader (64 kB unless `limit`), checked by `schema`. */
export interface JsonBodySpec<S extends z.ZodType = z.ZodType> {
  readonly kind: 'json';
  readonly schema: S;
  /** Per field, what a valid value is: the 422 answer's `expected` and the document's text. */
  readonly expected: Readonly<Record<string, string>>;
  /** False: no body reads as `{}` (an action that takes none, or only optional fields). */
  readonly required: boolean;
  readonly limit?: number | string;
  /**
   * `use case`: the schema is the document's; the use case checks the body against rules that
   * depend on the configuration (the push services allowed), with an error code of its own.
   */
  readonly checkedBy?: 'use case';
}

/** A body read by a reader of its own (an image, a registry file), handed on as it is. */
export interface RawBodySpec {
  readonly kind: 'raw';
  /** By media type. */
  readonly content: Readonly<Record<string, z.ZodType>>;
  readonly read: () => RequestHandler;
}

/** Path parameters: invalid ones are a 404 naming `notFound`, or else a 422 per `expected`. */
export interface ParamsSpec<S extends z.ZodObject = z.ZodObject> {
  readonly schema: S;
  readonly notFound?: string;
  readonly expected?: Readonly<Record<string, string>>;
}

/** The query, checked by `schema` (unknown parameters refused), 422 per `expected`. */
export interface QuerySpec<S extends z.ZodObject = z.ZodObject> {
  readonly schema: S;
  readonly expected: Readonly<Record<string, string>>;
}

/** A route as declared. `path` is the full public path in express form (`/api/staff/:id`). */
export interface RouteSpec<
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  B extends JsonBodySpec | RawBodySpec = JsonBodySpec | RawBodySpec,
> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly roles: readonly ['public'] | readonly ['verifier-device'] | readonly Role[];
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: ParamsSpec<P>;
  readonly query?: QuerySpec<Q>;
  /** Request headers the route reads, for the document (the handler checks them). */
  readonly headers?: z.ZodObject;
  readonly body?: B;
  /** By status. */
  readonly replies: Readonly<Record<number, ReplySpec>>;
  /**
   * The codes the route and its use case answer, by status; those every route of its kind
   * answers (sign-in, role, CSRF, body reader, 500) are added by rule (issuer/http/openapi.ts).
   */
  readonly errors?: Readonly<Partial<Record<number, readonly ErrorCode[]>>>;
}

/** Declares a route, keeping the types of its schemas for its handler. */
export const route = <
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  B extends JsonBodySpec | RawBodySpec = JsonBodySpec | RawBodySpec,
>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> => spec;

/** The body a handler gets: checked by its schema, or as sent when the use case checks it. */
type BodyOf<B> = B extends { readonly checkedBy: 'use case' }
  ? unknown
  : B extends JsonBodySpec<infer T>
    ? z.output<T>
    : unknown;

/** What a handler gets: the route's path parameters, query and body, checked. */
export interface RouteInput<S> {
  readonly params: S extends RouteSpec<infer P> ? z.output<P> : never;
  readonly query: S extends RouteSpec<z.ZodObject, infer Q> ? z.output<Q> : never;
  readonly body: S extends RouteSpec<z.ZodObject, z.ZodObject, infer B> ? BodyOf<B> : never;
}
