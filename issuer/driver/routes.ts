import { Router, type Response } from 'express';
import type { ServiceDeps } from '../deps.js';
import { authOf, requireRole } from '../http/session.js';
import { licenceStatus } from './licence-status.js';
import { ownPortrait } from './own-portrait.js';

/**
 * What the driver's app reads about its own licence, mounted under /api (no bodies):
 *
 * - `GET /me/licence` → `{status, label, points, usable, reason, checkedAt}`: the registry's
 *   current word, which colours the QR (black when usable, red when not).
 * - `GET /me/portrait` → image/jpeg with `ETag` (the portrait's SHA-256, the credential's `ph`);
 *   404 when the licence has none.
 */
export function driverRoutes(deps: ServiceDeps): Router {
  const router = Router();
  const driver = requireRole('driver');

  router.get('/me/licence', driver, async (req, res) => {
    noStore(res).json(await licenceStatus(deps, authOf(req).subjectId));
  });

  router.get('/me/portrait', driver, async (req, res) => {
    const { photo, hash } = await ownPortrait(deps, authOf(req).subjectId);
    noStore(res).set('ETag', `"${hash}"`).type('image/jpeg').send(Buffer.from(photo));
  });

  return router;
}

/** Licence data and photos are personal: no cache keeps them. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}
