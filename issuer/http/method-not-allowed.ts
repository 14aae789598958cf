import type { RequestHandler } from 'express';
import { sendProblem } from './problem.js';

/** The part of an express 5 router layer read here (router 2.x). */
interface Layer {
  readonly route?: { readonly methods: Readonly<Record<string, boolean | undefined>> };
  readonly handle?: unknown;
  /** The path it matched (a prefix for a mounted router), or false; no state is kept. */
  match(path: string): false | { readonly path: string };
}

/** A router as express 5 keeps it: its layers in order (typed loosely by express). */
interface Stack {
  readonly stack: unknown;
}

const isStack = (value: unknown): value is Stack =>
  typeof value === 'function' && 'stack' in value && Array.isArray(value.stack);

/** The layers of a router that have the shape read here; any other is skipped. */
const layersOf = (router: Stack): Layer[] =>
  (Array.isArray(router.stack) ? (router.stack as unknown[]) : []).filter(
    (layer): layer is Layer =>
      typeof layer === 'object' &&
      layer !== null &&
      typeof (layer as { match?: unknown }).match === 'function',
  );

/**
 * The methods the routes of `router` (and of every router mounted in it) answer at `path`,
 * read from the routers themselves, so that a new route is covered without being named here.
 * GET brings HEAD, as express answers HEAD with the GET route.
 */
function methodsAt(router: Stack, path: string): Set<string> {
  const methods = new Set<string>();
  for (const layer of layersOf(router)) {
    let matched: ReturnType<Layer['match']>;
    try {
      matched = layer.match(path);
    } catch {
      // A path whose %-escapes do not decode matches no route.
      continue;
    }
    if (matched === false) continue;
    if (layer.route !== undefined) {
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on === true && method !== '_all') methods.add(method.toUpperCase());
    } else if (isStack(layer.handle)) {
      const rest = path.slice(matched.path.length);
      for (const method of methodsAt(layer.handle, rest.startsWith('/') ? rest : `/${rest}`))
        methods.add(method);
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return methods;
}

/**
 * 405 for a method a path does not have (RFC 9110 §15.5.6), with `Allow` listing those it has;
 * placed after every route, so it sees only requests no route took. A path no route has goes on
 * to the 404. `router` is the app's own (`app.router`), read at each such request.
 */
export function methodNotAllowed(router: Stack): RequestHandler {
  return (req, res, next) => {
    const methods = methodsAt(router, req.path);
    if (methods.size === 0) {
      next();
      return;
    }
    const allowed = [...methods].sort();
    const expected = allowed.join(', ');
    res.set('Allow', expected);
    sendProblem(
      res,
      405,
      'ERR_METHOD_NOT_ALLOWED',
      `method: expected ${expected}, found ${req.method}`,
      { expected, found: req.method },
    );
  };
}
