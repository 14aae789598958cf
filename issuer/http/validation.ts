import express, { type Request, type RequestHandler } from 'express';
import type { z } from 'zod';
import { notFound, ServiceError } from './problem.js';

/** The media type the JSON routes read. */
export const JSON_TYPE = 'application/json';

/**
 * A route's JSON body parser: `application/json` in UTF-8, at most `limit` bytes (once
 * decompressed). A body of any other type is refused with 415 `ERR_UNSUPPORTED_MEDIA_TYPE`
 * (expected application/json, found its type), not read as no body; a request without a body
 * goes through, and the route's schema says whether it needed one.
 */
export function jsonBody(limit: string | number): RequestHandler {
  const parse: RequestHandler = express.json({ limit });
  return (req, res, next) => {
    // type-is: null for a request without a body, false for a body of another type; it counts
    // `Content-Length: 0` as a body, which it is not.
    const empty = req.get('content-length') === '0' && req.get('transfer-encoding') === undefined;
    if (!empty && req.is(JSON_TYPE) === false) {
      next(unsupportedMediaType(req, JSON_TYPE));
      return;
    }
    parse(req, res, next);
  };
}

/**
 * The JSON body of an API request, at most 64 kB. Each route that takes one names it, after its
 * role check: a body is read only for a request that may use it. Uploads read their own.
 */
export const readJsonBody: RequestHandler = jsonBody('64kb');

/** A media type as RFC 6838 §4.2 names them (type/subtype, restricted names). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The media type of a request's body as sent, without its parameters: `none` when there is no
 * Content-Type; something that is not a media type is described, not echoed.
 */
export function mediaTypeOf(req: Request): string {
  const header = req.get('content-type');
  if (header === undefined) return 'none';
  const type = (header.split(';')[0] ?? '').trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : 'a value that is not a media type';
}

/** 415 `ERR_UNSUPPORTED_MEDIA_TYPE`: the body is not of the type the route reads. */
export function unsupportedMediaType(req: Request, expected: string): ServiceError {
  const found = mediaTypeOf(req);
  return new ServiceError(
    415,
    'ERR_UNSUPPORTED_MEDIA_TYPE',
    `Content-Type: expected ${expected}, found ${found}`,
    { expected, found },
  );
}

/** One problem with one field of a request: what was expected and what was found. */
export interface FieldIssue {
  /** The field, e.g. `phone`; `(body)` for the body itself. */
  readonly field: string;
  readonly expected: string;
  /** Described by type and length only: a request may hold ID numbers, names or passwords. */
  readonly found: string;
}

/** 422 ERR_VALIDATION listing every issue; the message is safe to log. */
export function validationError(issues: readonly FieldIssue[]): ServiceError {
  const list = issues.map((i) => `${i.field}: expected ${i.expected}, found ${i.found}`);
  return new ServiceError(422, 'ERR_VALIDATION', `invalid request: ${list.join('; ')}`, {
    issues,
  });
}

/**
 * Parses a request body. `expected` says, per field, what a valid value is; zod's own messages
 * are never used, as they may quote the input.
 * @throws {ServiceError} 422 ERR_VALIDATION with the field issues.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  expected: Readonly<Record<string, string>>,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(result.error.issues.flatMap((issue) => toIssues(issue, input, expected)));
}

const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function toIssues(
  issue: z.core.$ZodIssue,
  input: unknown,
  expected: Readonly<Record<string, string>>,
): FieldIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: SAFE_KEY.test(key) ? key : '(unknown field)',
      expected: 'no such field (unknown fields are rejected)',
      found: 'an unknown field',
    }));
  }
  const field = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
  const value = valueAt(input, issue.path);
  return [
    {
      field,
      expected: expected[field] ?? (field === '(body)' ? 'a JSON object' : 'a valid value'),
      found: describe(value),
    },
  ];
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || typeof key === 'symbol') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** The type and size of a value, never the value itself. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const length = Array.from(value).length;
    return `a string of ${length} character${length === 1 ? '' : 's'}`;
  }
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * The numeric id in a path (`/staff/7/unlock`): a positive integer below 10^15.
 * @throws {ServiceError} 404 ERR_NOT_FOUND naming `what`: no such thing has another id.
 */
export function pathId(value: string | string[] | undefined, what: string): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,14}$/.test(value)) throw notFound(what);
  return Number(value);
}

/** The form of a licence number in a path (the ID number: 17 digits and a check character). */
export const LICENCE_NUMBER_PATTERN = /^\d{17}[\dX]$/;
