import { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import type { ServiceDeps } from '../deps.js';
import { ServiceError, notFound } from '../service-error.js';
import { authOf, endSession, requireRole, startSession } from '../http/session.js';
import { currentAccount } from './current-account.js';
import type { RateLimits } from '../http/rate-limiter.js';
import { LICENCE_NUMBER_PATTERN, parseInput, pathId, readJsonBody } from '../http/validation.js';
import {
  DRIVER_REGISTRATION_EXPECTED,
  driverRegistrationSchema,
  registerDriver,
} from './register-driver.js';
import { SIGN_IN_EXPECTED, signIn, signInSchema } from './sign-in.js';
import { unlockAccount } from './unlock-account.js';
import { STAFF_CREATION_EXPECTED, createStaff, listStaff, staffCreationSchema } from './staff.js';

/** Sign-in attempts one client address may make per window. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;
/**
 * Registrations one client address may try per window: a registration tells whether a licence
 * number and a name go together, so guessing them is throttled as passwords are.
 */
export const REGISTRATION_ATTEMPTS_PER_MINUTE = 10;
/** Client addresses each limiter remembers at most. */
const LIMITER_KEYS = 10_000;

/**
 * The accounts API, mounted under /api: driver registration, sign-in and out, the signed-in
 * account, and staff management (admin only). Each route parses, calls one use case, and maps
 * the result; errors go to the problem handler.
 */
export function accountRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  const router = Router();

  /**
   * Counts each request of a client address in the limiter `name` (per app, not per module: two
   * services in one process, as in tests, do not share counts; per node unless REDIS_URL shares
   * them) and refuses one over `limit` a minute with 429 ERR_RATE_LIMITED, before its body is
   * read.
   */
  const limitByAddress = (name: string, limit: number, what: string): RequestHandler => {
    const limiter = rateLimits.limiter(name, { limit, windowSeconds: 60, maxKeys: LIMITER_KEYS });
    return async (req, _res, next) => {
      // req.ip: the socket's peer, or behind trusted proxies (TRUST_PROXY) the client they name.
      const verdict = await limiter.take(req.ip ?? 'unknown', deps.now());
      if (verdict.allowed) {
        next();
        return;
      }
      next(
        new ServiceError(
          429,
          'ERR_RATE_LIMITED',
          `too many ${what} from this address; try again in ${verdict.retryAfter} seconds`,
          { retryAfter: verdict.retryAfter },
        ),
      );
    };
  };
  const limitSignIns = limitByAddress('sign-in', SIGN_IN_ATTEMPTS_PER_MINUTE, 'sign-in attempts');
  const limitRegistrations = limitByAddress(
    'registration',
    REGISTRATION_ATTEMPTS_PER_MINUTE,
    'registration attempts',
  );

  router.post('/drivers', limitRegistrations, readJsonBody, async (req, res) => {
    const registration = parseInput(
      driverRegistrationSchema,
      req.body,
      DRIVER_REGISTRATION_EXPECTED,
    );
    const result = await registerDriver(deps.db, registration, deps.now());
    res.status(201).json(result);
  });

  router.post('/session', limitSignIns, readJsonBody, async (req, res) => {
    const request = parseInput(signInSchema, req.body, SIGN_IN_EXPECTED);
    const who = await signIn(deps.db, request, deps.now());
    const { csrfToken } = await startSession(deps.db, res, who, deps.now());
    noStore(res).status(200).json({ role: who.role, csrfToken });
  });

  router.delete('/session', async (req, res) => {
    await endSession(deps.db, req, res);
    res.status(204).end();
  });

  router.get('/me', requireRole('driver', 'reviewer', 'admin'), async (req, res) => {
    const auth = authOf(req);
    const account = await currentAccount(deps.db, auth);
    // The CSRF token again, for a client that reloaded and kept only its (HttpOnly) cookie.
    noStore(res).json({ ...account, csrfToken: auth.csrfToken });
  });

  router.post('/staff', requireRole('admin'), readJsonBody, async (req, res) => {
    const account = parseInput(staffCreationSchema, req.body, STAFF_CREATION_EXPECTED);
    const created = await createStaff(
      deps.db,
      account,
      deps.now(),
      `staff:${authOf(req).subjectId}`,
    );
    noStore(res).status(201).json(created);
  });

  router.get('/staff', requireRole('admin'), async (_req, res) => {
    res.json({ staff: await listStaff(deps.db, deps.now()) });
  });

  router.post('/staff/:id/unlock', requireRole('admin'), async (req, res) => {
    const id = pathId(req.params.id, 'staff account');
    await unlockAccount(
      deps.db,
      { kind: 'staff', id },
      deps.now(),
      `staff:${authOf(req).subjectId}`,
    );
    res.status(204).end();
  });

  router.post(
    '/registry/licences/:number/account/unlock',
    requireRole('admin'),
    async (req, res) => {
      const number = req.params.number;
      if (typeof number !== 'string' || !LICENCE_NUMBER_PATTERN.test(number))
        throw notFound('licence');
      await unlockAccount(
        deps.db,
        { kind: 'driver', licenceNumber: number },
        deps.now(),
        `staff:${authOf(req).subjectId}`,
      );
      res.status(204).end();
    },
  );

  router.use(retryAfterHeader);
  return router;
}

/** A 429 says when to come back (RFC 9110 §10.2.3), in the header as well as the body. */
const retryAfterHeader: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (error instanceof ServiceError && typeof error.extra.retryAfter === 'number')
    res.set('Retry-After', String(error.extra.retryAfter));
  next(error);
};

/** Answers that hold a password or a CSRF token are never cached. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}
