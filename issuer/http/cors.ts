/*
 * Cross-origin access (the Fetch standard's CORS protocol), through the `cors` package. Only two
 * kinds of route get it: the public documents any verifier reads, and the police devices'
 * portrait route. The cookie-authenticated API never does: a page of another origin must not
 * read what a driver's or reviewer's session is answered.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';

/** How long a browser may keep a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = 600;

/**
 * The public, verifier-facing documents (JWKS, status lists, the API document): readable from
 * any origin (`Access-Control-Allow-Origin: *`), never with credentials. `If-None-Match` may be
 * sent (a status list is fetched conditionally) and `ETag` read.
 */
export const publicCors: RequestHandler = cors({
  origin: '*',
  methods: ['GET', 'HEAD'],
  allowedHeaders: ['If-None-Match'],
  exposedHeaders: ['ETag'],
  maxAge: PREFLIGHT_MAX_AGE,
});

/**
 * The portrait route for police verifier apps hosted at `origins` (VERIFIER_ORIGINS): an origin
 * listed gets itself back in `Access-Control-Allow-Origin` (with `Vary: Origin`), a preflight
 * 204 allowing POST with `Authorization` and `Content-Type`; any other origin, or none, gets no
 * CORS header at all, so the browser keeps the answer from the page. No credentials: the device
 * sends its bearer token itself, and cookies are never read on this route.
 */
export function verifierCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return cors({
    origin: (origin, callback) => {
      callback(null, origin !== undefined && allowed.has(origin) ? origin : false);
    },
    methods: ['POST'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Retry-After', 'WWW-Authenticate'],
    maxAge: PREFLIGHT_MAX_AGE,
  });
}
