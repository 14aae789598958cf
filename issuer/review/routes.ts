import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { authOf, requireRole } from '../http/session.js';
import { parseInput } from '../http/validation.js';
import { applicationDetail } from './application-detail.js';
import { referencePhoto } from './reference-photo.js';

/** The path parameters of GET /api/review/applications/:id. */
export const applicationIdSchema = z.strictObject({ id: z.string().regex(/^[1-9]\d{0,15}$/) });
/** What each parameter of applicationIdSchema must be. */
export const APPLICATION_ID_EXPECTED = { id: 'an application id (a positive integer)' };

/**
 * The reviewers' view of one application, mounted under /api (no body): `GET
 * /review/applications/:id` (reviewer, admin) → the application with its pre-check report and
 * audit trail; 404; 422 ERR_VALIDATION for an id that is not a positive integer.
 */
export function reviewRoutes(deps: ServiceDeps): Router {
  const router = Router();
  router.get('/review/applications/:id', requireRole('reviewer', 'admin'), async (req, res) => {
    const { id } = parseInput(applicationIdSchema, { ...req.params }, APPLICATION_ID_EXPECTED);
    const detail = await applicationDetail(deps, Number(id));
    res.set('Cache-Control', 'no-store').json(detail);
  });
  router.get(
    '/review/applications/:id/reference-photo',
    requireRole('reviewer', 'admin'),
    async (req, res) => {
      const { id } = parseInput(applicationIdSchema, { ...req.params }, APPLICATION_ID_EXPECTED);
      const photo = await referencePhoto(deps, Number(id), authOf(req).subjectId);
      res.set('Cache-Control', 'no-store').type('image/jpeg').send(Buffer.from(photo));
    },
  );
  return router;
}
