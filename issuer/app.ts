import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Response } from 'express';
import { bindingRoutes } from './accounts/binding-routes.js';
import { auditRoutes } from './audit/routes.js';
import { accountRoutes } from './accounts/routes.js';
import { applicationRoutes } from './application/routes.js';
import { credentialRoutes } from './credentials/routes.js';
import type { ServiceDeps } from './deps.js';
import { methodNotAllowed } from './http/method-not-allowed.js';
import { publicCors } from './http/cors.js';
import { openApiDocument } from './http/openapi.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import { memoryRateLimits, type RateLimits } from './http/rate-limiter.js';
import { sessions } from './http/session.js';
import { keyRoutes } from './keys/routes.js';
import { lifecycleRoutes } from './lifecycle/routes.js';
import { notifyRoutes } from './notify/routes.js';
import { HOME_LINKS } from './public/home-page.js';
import { publicRoutes } from './public/routes.js';
import { registryPhotoRoutes, verifierRoutes } from './portraits/routes.js';
import { registryRoutes } from './registry/routes.js';
import { statusRoutes } from './status/routes.js';
import { verifierCertificateRoutes, verifierDeviceRoutes } from './verifier-devices/routes.js';
import { driverRoutes } from './driver/routes.js';
import { reviewRoutes } from './review/routes.js';
import { webApp, webAppDir } from './web-apps.js';

/**
 * Where the built verifier app is: beside the compiled service (dist/issuer → dist/web/verifier),
 * or under dist/ when the service runs from its sources (tests); undefined before a build.
 */
export const VERIFIER_APP_DIR = [
  new URL('../web/verifier/', import.meta.url),
  new URL('../dist/web/verifier/', import.meta.url),
]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(join(dir, 'index.html')));

/** res.locals key: the mount path of the router that took the request. */
const MOUNT = 'mountedAt';

function mountOf(res: Response): string {
  const mount: unknown = res.locals[MOUNT];
  return typeof mount === 'string' ? mount : '';
}

/**
 * Builds the authority's HTTP service. It never listens: main.ts does, and tests start it on
 * port 0. Routes parse input, call one use case and map the result; problemHandler maps errors.
 * `rateLimits`: where the sign-in and portrait limits count (listen() shares them through Redis
 * when REDIS_URL is set).
 */
export function createApp(deps: ServiceDeps, rateLimits: RateLimits = memoryRateLimits()): Express {
  const app = express();
  app.disable('x-powered-by');
  // Who the client is (req.ip): the socket's peer, or with TRUST_PROXY the address the trusted
  // proxies put in X-Forwarded-For (proxy-addr walks it from the right and stops at the first
  // address it does not trust, so a client cannot name its own). req.protocol and req.hostname
  // then follow X-Forwarded-Proto/-Host too; nothing here reads them (cookies are always Secure).
  const { trustProxy } = deps.config;
  app.set('trust proxy', typeof trustProxy === 'object' ? [...trustProxy] : (trustProxy ?? false));
  // API answers are no-store; a hash of every body for an ETag nobody can use is wasted work.
  // The status lists set their own ETag; static files get theirs from serve-static (web-apps.ts).
  app.set('etag', false);
  // The request line is method, route pattern, status and time, never personal data: it skips
  // the redaction pass the logger makes over every other entry.
  const requestLog = deps.logger.child({}, { redact: [] });
  // Served over https (PUBLIC_URL, behind the TLS proxy): browsers keep to https for a year
  // (RFC 6797), so a first request by plain http cannot be taken over on the way.
  const hsts = deps.config.publicUrl.startsWith('https://')
    ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }
    : {};
  app.use((req, res, next) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      ...hsts,
    });
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // Route pattern, never the path itself: paths may hold licence numbers.
      const route = (req.route as { path?: string } | undefined)?.path;
      requestLog.info(
        {
          method: req.method,
          route: route === undefined ? 'unmatched' : `${mountOf(res)}${route}`,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });

  // Public: what any verifier needs, without signing in; a police app hosted elsewhere reads
  // the keys, the status lists and the API document from its own origin.
  app.use(['/.well-known/jwks.json', '/status', '/openapi.json'], publicCors);
  // The start page links the apps this service serves (all three once built).
  const built = {
    app: webAppDir('app'),
    verifier: VERIFIER_APP_DIR,
    console: webAppDir('console'),
  };
  app.use(
    publicRoutes(
      deps,
      () => openApiDocument(deps.config.publicUrl),
      HOME_LINKS.filter((l) => built[l.app] !== undefined),
    ),
  );
  app.use(statusRoutes(deps));
  // The police verifier app: static files built by `npm run build` (verifier/web/), served as
  // they are; it verifies in the officer's browser and only fetches the public routes above.
  if (VERIFIER_APP_DIR !== undefined) app.use('/verifier', webApp(VERIFIER_APP_DIR));
  // The driver's app and the reviewers' console (issuer/web/), static as well; they call /api.
  for (const name of ['app', 'console'] as const) {
    const dir = webAppDir(name);
    if (dir !== undefined) app.use(`/${name}`, webApp(dir));
  }

  // Where the API's routers are mounted, for the request log: a request that ends in an error
  // has left its router (and req.baseUrl is reset) by the time it is logged.
  app.use('/api', (req, res, next) => {
    res.locals[MOUNT] = req.baseUrl;
    next();
  });
  // Police verifier devices: a bearer token, never a session; mounted before the session
  // middleware, so a cookie is not even read there and no CSRF token is asked for.
  app.use('/api', verifierRoutes(deps, rateLimits));
  app.use('/api', verifierCertificateRoutes(deps, rateLimits));
  // The API: sessions and CSRF. Each route reads its own body, after its role check (JSON up to
  // 64 kB, a photo, a registry file), so the order below is only the order in which the routers
  // are tried: the driver's app's routes first, as they take most of the requests.
  app.use('/api', sessions(deps.db, deps.now));
  app.use('/api', credentialRoutes(deps));
  app.use('/api', driverRoutes(deps));
  app.use('/api', notifyRoutes(deps));
  app.use('/api', applicationRoutes(deps, rateLimits));
  app.use('/api', accountRoutes(deps, rateLimits));
  app.use('/api', bindingRoutes(deps, rateLimits));
  app.use('/api', reviewRoutes(deps));
  app.use('/api', lifecycleRoutes(deps));
  app.use('/api', registryRoutes(deps, rateLimits));
  app.use('/api', registryPhotoRoutes(deps));
  app.use('/api', verifierDeviceRoutes(deps));
  app.use('/api', keyRoutes(deps));
  app.use('/api', auditRoutes(deps, rateLimits));

  // A path that exists, asked with a method it does not have: 405 with Allow, not 404.
  app.use(methodNotAllowed(app.router));
  app.use(notFoundHandler);
  app.use(problemHandler(deps.logger));
  return app;
}
