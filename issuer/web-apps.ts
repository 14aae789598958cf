import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestHandler } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { notFoundHandler } from './http/problem.js';

/**
 * Where a built web app of the service is (`app`: the driver's app, `console`: the reviewers'
 * console, both from issuer/web/): beside the compiled service (dist/issuer → dist/web/<name>),
 * or under dist/ when the service runs from its sources (tests); undefined before a build.
 */
export function webAppDir(name: 'app' | 'console'): string | undefined {
  return [
    new URL(`../web/${name}/`, import.meta.url),
    new URL(`../dist/web/${name}/`, import.meta.url),
  ]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(join(dir, 'index.html')));
}

/** The `<meta http-equiv="Content-Security-Policy" content="…">` of an app's index.html. */
const CSP_META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"<>]+)"\s*\/?>/i;

/**
 * The Content-Security-Policy header of a built web app in `dir`: the policy its index.html
 * declares in a meta tag (one home for it), with `frame-ancestors 'none'`, which a meta tag
 * cannot carry (CSP Level 3, frame-ancestors: not supported in a meta element), so no other site frames the app.
 * @throws {Error} when the index.html declares no policy: a build without one is not served.
 */
export function webAppPolicy(dir: string): string {
  const file = join(dir, 'index.html');
  const policy = CSP_META.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  if (policy === undefined || policy === '')
    throw new Error(`${file}: expected a Content-Security-Policy meta tag, found none`);
  return `${policy.replace(/;\s*$/, '')}; frame-ancestors 'none'`;
}

/** A year: how long a browser keeps a file whose name holds the hash of its content. */
export const HASHED_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Everything else (index.html, sw.js, the manifest, icons): kept, but asked about every time. */
export const REVALIDATED_CACHE_CONTROL = 'no-cache';

/**
 * A built web app's static files (`dir`, a build of vite.web.ts's plugins):
 * - each answer with the app's Content-Security-Policy as a header ({@link webAppPolicy});
 * - the brotli or gzip copy the build wrote beside a file when the browser accepts it
 *   (`Accept-Encoding`, brotli first), with `Content-Encoding` and `Vary: Accept-Encoding`;
 * - `assets/` (every name there holds the hash of its content, vite.*.config.ts) cached for a
 *   year as immutable; anything else (index.html, sw.js, the manifest, icons) revalidated
 *   (`no-cache`, with its ETag), so a new build reaches the phone on its next visit;
 * - no source map, even one left in the folder: 404.
 * The folder is read once, when the service starts: a new build is served after a restart.
 */
export function webApp(dir: string): RequestHandler[] {
  const policy = webAppPolicy(dir);
  const files = expressStaticGzip(dir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    serveStatic: {
      cacheControl: false,
      setHeaders: (res, path) => {
        const hashed = relative(dir, path).split(sep)[0] === 'assets';
        res.setHeader('Cache-Control', hashed ? HASHED_CACHE_CONTROL : REVALIDATED_CACHE_CONTROL);
      },
    },
  }) as RequestHandler;
  return [
    (req, res, next) => {
      res.set('Content-Security-Policy', policy);
      if (/\.map(?:\.br|\.gz)?$/i.test(req.path)) {
        notFoundHandler(req, res, next);
        return;
      }
      // Only GET and HEAD read a file: express-static-gzip would otherwise mark the answer of
      // another method (a 404 problem, further on) as brotli before it passes it on.
      if (req.method === 'GET' || req.method === 'HEAD') files(req, res, next);
      else next();
    },
  ];
}
