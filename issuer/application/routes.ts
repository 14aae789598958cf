import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../http/problem.js';
import { authOf, requireRole } from '../http/session.js';
import { jsonBody, readJsonBody, parseInput, validationError } from '../http/validation.js';
import { abandonApplication } from './abandon-application.js';
import { confirmStored } from './confirm-stored.js';
import { currentApplication } from './current-application.js';
import { decideApplication } from './decide-application.js';
import { listInbox } from './list-inbox.js';
import { applicationPhoto, reviewQueue } from './review-queue.js';
import { offeredPaths, startApplication } from './start-application.js';
import { submitPhoto } from './submit-photo.js';

/** Largest photo upload; the pre-check then applies its own, smaller limit. */
export const MAX_PHOTO_BYTES = 6 * 1024 * 1024;
/** Largest selfie, as bytes; its base64 text is a third longer. */
export const MAX_SELFIE_BYTES = 1024 * 1024;
/** The photo types accepted; the pre-check sniffs the bytes themselves. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;

/** The body of POST /api/me/application. */
export const startSchema = z.strictObject({ path: z.enum(['stored', 'camera', 'album']) });
/** What each field of startSchema must be. */
export const START_EXPECTED = { path: 'stored, camera or album (GET /api/me/application/paths)' };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** The body of POST /api/me/application/confirm-stored. */
export const confirmSchema = z.strictObject({
  selfie: z
    .string()
    .min(4)
    .max(Math.ceil(MAX_SELFIE_BYTES / 3) * 4)
    .regex(BASE64),
});
/** What each field of confirmSchema must be. */
export const CONFIRM_EXPECTED = {
  selfie: `the selfie, a JPEG of at most ${MAX_SELFIE_BYTES} bytes, in canonical base64`,
};

/** The body of POST /api/review/applications/:id/reject. */
export const rejectSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });
/** What each field of rejectSchema must be. */
export const REJECT_EXPECTED = { reason: 'why the photo is rejected, 1–500 characters' };

const ID = /^[1-9]\d{0,15}$/;

/**
 * The e-licence application, mounted under /api before the app-wide JSON parser: each route
 * reads its own body after the role check.
 *
 * Driver: `GET /me/application/paths`, `POST /me/application {path}` → 201, `POST
 * /me/application/photo` (image/jpeg or image/png, ≤ 6 MB), `POST /me/application/confirm-stored
 * {selfie}`, `POST /me/application/abandon`, `GET /me/application`, `GET /me/inbox`. Reviewer and admin: `GET /review/queue`,
 * `GET /review/applications/:id/photo`, `POST /review/applications/:id/approve`, `POST
 * /review/applications/:id/reject {reason}`.
 */
export function applicationRoutes(deps: ServiceDeps): Router {
  const router = Router();
  const driver = requireRole('driver');
  const reviewer = requireRole('reviewer', 'admin');
  const selfieJson = jsonBody(Math.ceil(MAX_SELFIE_BYTES / 3) * 4 + 1024);
  const image = express.raw({ type: [...PHOTO_TYPES], limit: MAX_PHOTO_BYTES });

  router.get('/me/application/paths', driver, async (req, res) => {
    noStore(res).json(await offeredPaths(deps, authOf(req).subjectId));
  });

  router.post('/me/application', driver, readJsonBody, async (req, res) => {
    const { path } = parseInput(startSchema, req.body, START_EXPECTED);
    const started = await startApplication(deps, authOf(req).subjectId, path);
    noStore(res).status(201).json(started);
  });

  router.post('/me/application/photo', driver, image, async (req, res) => {
    if (!req.is([...PHOTO_TYPES]) || !Buffer.isBuffer(req.body))
      throw new ServiceError(
        415,
        'ERR_UNSUPPORTED_MEDIA_TYPE',
        `Content-Type: expected ${PHOTO_TYPES.join(' or ')}, found ${req.get('content-type') === undefined ? 'none' : 'another type'}`,
      );
    const submitted = await submitPhoto(deps, authOf(req).subjectId, req.body);
    noStore(res).json(submitted);
  });

  router.post('/me/application/confirm-stored', driver, selfieJson, async (req, res) => {
    const { selfie } = parseInput(confirmSchema, req.body, CONFIRM_EXPECTED);
    const bytes = Buffer.from(selfie, 'base64');
    // The regex admits only canonical base64, so the bytes are exactly what was sent.
    if (
      bytes.length > MAX_SELFIE_BYTES ||
      bytes[0] !== 0xff ||
      bytes[1] !== 0xd8 ||
      bytes[2] !== 0xff
    )
      throw validationError([
        {
          field: 'selfie',
          expected: CONFIRM_EXPECTED.selfie,
          found: `${bytes.length} bytes, not a JPEG`,
        },
      ]);
    const result = await confirmStored(deps, authOf(req).subjectId, bytes);
    noStore(res).json(result);
  });

  router.post('/me/application/abandon', driver, readJsonBody, async (req, res) => {
    noStore(res).json(await abandonApplication(deps, authOf(req).subjectId));
  });

  router.get('/me/application', driver, async (req, res) => {
    noStore(res).json(await currentApplication(deps, authOf(req).subjectId));
  });

  router.get('/me/inbox', driver, async (req, res) => {
    noStore(res).json({ entries: await listInbox(deps, authOf(req).subjectId) });
  });

  router.get('/review/queue', reviewer, async (_req, res) => {
    noStore(res).json({ applications: await reviewQueue(deps) });
  });

  router.get('/review/applications/:id/photo', reviewer, async (req, res) => {
    const photo = await applicationPhoto(deps, idOf(req));
    noStore(res).type('image/jpeg').send(Buffer.from(photo));
  });

  router.post('/review/applications/:id/approve', reviewer, readJsonBody, async (req, res) => {
    const id = idOf(req);
    const result = await decideApplication(deps, authOf(req).subjectId, id, { kind: 'approve' });
    noStore(res).json(result);
  });

  router.post('/review/applications/:id/reject', reviewer, readJsonBody, async (req, res) => {
    const id = idOf(req);
    const { reason } = parseInput(rejectSchema, req.body, REJECT_EXPECTED);
    const result = await decideApplication(deps, authOf(req).subjectId, id, {
      kind: 'reject',
      reason,
    });
    noStore(res).json(result);
  });

  return router;
}

function idOf(req: Request): number {
  const id: unknown = req.params.id;
  if (typeof id !== 'string' || !ID.test(id))
    throw validationError([
      { field: 'id', expected: 'an application id (a positive integer)', found: 'another value' },
    ]);
  return Number(id);
}

/** Applications and photos are personal data: no cache keeps them. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}
