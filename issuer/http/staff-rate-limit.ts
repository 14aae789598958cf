import type { RequestHandler } from 'express';
import type { ServiceDeps } from '../deps.js';
import { takeOrRefuse, type RateLimits } from './rate-limiter.js';
import { authOf } from './session.js';

/** Members of staff a limiter remembers at most. */
const STAFF_LIMITER_KEYS = 10_000;

/**
 * Counts each request of the signed-in member of staff in the limiter `name` and refuses one
 * over `limit` a minute with 429 ERR_RATE_LIMITED (and `retryAfter`): for the searches that read
 * personal data in bulk (licences by number, the audit log), so that a stolen session cannot
 * page through the registry. Runs after the role check (a route's `before`).
 */
export function limitByStaff(
  deps: Pick<ServiceDeps, 'now'>,
  rateLimits: RateLimits,
  name: string,
  limit: number,
  what: string,
): RequestHandler {
  const limiter = rateLimits.limiter(name, {
    limit,
    windowSeconds: 60,
    maxKeys: STAFF_LIMITER_KEYS,
  });
  return (req, _res, next) => {
    takeOrRefuse(
      limiter,
      `staff:${authOf(req).subjectId}`,
      deps.now(),
      `${what}: at most ${limit} a minute per member of staff`,
    ).then(() => {
      next();
    }, next);
  };
}
