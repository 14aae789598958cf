import { type Request, type RequestHandler, type Response, type Router } from 'express';
import { notFound } from '../service-error.js';
import type { RouteInput, RouteSpec } from './route-spec.js';
import { requireRole } from './session.js';
import { jsonBody, parseInput, readJsonBody } from './validation.js';

/** A route's handler: the request, the response and the input its spec checked. */
export type Handler<S extends RouteSpec> = (
  req: Request,
  res: Response,
  input: RouteInput<S>,
) => void | Promise<void>;

/** A route ready to mount: its spec, its handler, and what runs between its role and its body. */
export interface Route {
  readonly spec: RouteSpec;
  readonly handler: Handler<RouteSpec>;
  /** After the role check, before the body is read: a rate limit, a bearer token's check. */
  readonly before: readonly RequestHandler[];
}

/** Pairs a spec with its handler (and what runs before its body is read). */
export function handle<S extends RouteSpec>(
  spec: S,
  handler: Handler<S>,
  before: readonly RequestHandler[] = [],
): Route {
  return { spec, handler, before };
}

/** The role check of a spec: none for a public route; a verifier device's is in `before`. */
function guard(spec: RouteSpec, before: readonly RequestHandler[]): RequestHandler[] {
  const [first] = spec.roles;
  if (first === 'public') return [];
  if (first === 'verifier-device') {
    if (before.length === 0)
      throw new Error(`${spec.method} ${spec.path}: a verifier-device route needs its check`);
    return [];
  }
  return [requireRole(...spec.roles)];
}

/** The body reader of a spec: the API's JSON reader (its own limit), or the route's own. */
function reader(spec: RouteSpec): RequestHandler[] {
  const body = spec.body;
  if (body === undefined) return [];
  if (body.kind === 'raw') return [body.read()];
  return [body.limit === undefined ? readJsonBody : jsonBody(body.limit)];
}

/** The path parameters, query and body of a request, checked by its spec. */
function inputOf(spec: RouteSpec, req: Request): RouteInput<RouteSpec> {
  const { params, query, body } = spec;
  let checkedParams: unknown = {};
  if (params !== undefined) {
    const raw = { ...req.params };
    if (params.notFound !== undefined) {
      const result = params.schema.safeParse(raw);
      if (!result.success) throw notFound(params.notFound);
      checkedParams = result.data;
    } else {
      checkedParams = parseInput(params.schema, raw, params.expected ?? {});
    }
  }
  const checkedQuery =
    query === undefined ? {} : parseInput(query.schema, { ...req.query }, query.expected);
  let checkedBody: unknown = req.body;
  if (body?.kind === 'json' && body.checkedBy === undefined) {
    const value: unknown = req.body;
    checkedBody = parseInput(body.schema, body.required ? value : (value ?? {}), body.expected);
  }
  return { params: checkedParams, query: checkedQuery, body: checkedBody } as RouteInput<RouteSpec>;
}

/**
 * Marks a reply no cache may keep (personal data, a secret, an answer for this client only): the
 * `Cache-Control: no-store` its spec declares with noStoreJson or NO_STORE_HEADERS.
 */
export function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}

/**
 * Mounts routes on `router`, which is mounted at `prefix` (`/api`, or `` at the root): for each,
 * its role check, what runs before its body, its body reader, then its handler with the input
 * its spec checked (path parameters, then query, then body). One way for every route.
 */
export function mount(router: Router, prefix: string, routes: readonly Route[]): Router {
  for (const { spec, handler, before } of routes) {
    if (!spec.path.startsWith(`${prefix}/`))
      throw new Error(`${spec.method} ${spec.path}: not under ${prefix}/`);
    const run: RequestHandler = async (req, res) => {
      await handler(req, res, inputOf(spec, req));
    };
    router[spec.method](
      spec.path.slice(prefix.length),
      ...guard(spec, before),
      ...before,
      ...reader(spec),
      run,
    );
  }
  return router;
}
