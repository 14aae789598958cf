import express, { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from '../application/routes.js';
import type { ServiceDeps } from '../deps.js';
import { notFound, ServiceError } from '../service-error.js';
import { verifierCors } from '../http/cors.js';
import type { RateLimits } from '../http/rate-limiter.js';
import { authOf, requireRole } from '../http/session.js';
import {
  jsonBody,
  parseInput,
  LICENCE_NUMBER_PATTERN,
  unsupportedMediaType,
} from '../http/validation.js';
import { authenticateVerifierDevice } from '../verifier-devices/authenticate-verifier-device.js';
import { MAX_PRESENTATION_LENGTH, releasePortrait } from './release-portrait.js';
import { setRegistryPhoto } from './set-registry-photo.js';

/** The path of the portrait endpoint, under /api. */
export const PORTRAIT_PATH = '/verifier/portrait';
/** Portrait requests one verifier device may make per minute: a scan is one request. */
export const PORTRAIT_REQUESTS_PER_MINUTE = 20;
/** Devices the limiter remembers at most. */
const PORTRAIT_LIMITER_KEYS = 10_000;

/** The body of POST /api/verifier/portrait. */
export const portraitSchema = z.strictObject({
  presentation: z.string().min(1).max(MAX_PRESENTATION_LENGTH),
});
/** What each field of portraitSchema must be. */
export const PORTRAIT_EXPECTED = {
  presentation: `the text of the driver's dynamic QR (LZ1:…), at most ${MAX_PRESENTATION_LENGTH} characters`,
};

/**
 * The registry photo, mounted under /api after the session middleware and before the app-wide
 * JSON parser: `PUT /registry/licences/:number/photo` (admin), body image/jpeg or image/png of at
 * most 6 MB read after the role check → 200 `{portraitHash}`; 404 ERR_NOT_FOUND; 415
 * ERR_UNSUPPORTED_MEDIA_TYPE; 422 ERR_PHOTO_REJECTED with `failures`.
 */
export function registryPhotoRoutes(deps: ServiceDeps): Router {
  const router = Router();
  const image = express.raw({ type: [...PHOTO_TYPES], limit: MAX_PHOTO_BYTES });
  router.put('/registry/licences/:number/photo', requireRole('admin'), image, async (req, res) => {
    const number = req.params.number;
    if (typeof number !== 'string' || !LICENCE_NUMBER_PATTERN.test(number))
      throw notFound('licence');
    if (!req.is([...PHOTO_TYPES]) || !Buffer.isBuffer(req.body))
      throw unsupportedMediaType(req, PHOTO_TYPES.join(' or '));
    const result = await setRegistryPhoto(deps, {
      licenceNumber: number,
      bytes: req.body,
      actor: `staff:${authOf(req).subjectId}`,
    });
    noStore(res).json({ portraitHash: result.portraitHash });
  });
  return router;
}

/**
 * The portrait endpoint for police verifier devices, mounted under /api BEFORE the session
 * middleware: it is authenticated by the device's bearer token alone, so a session cookie is
 * never read here (and cannot open it), and no CSRF token is asked for (a bearer token is not
 * sent by a browser on its own, so there is no cross-site request to forge).
 *
 * `POST /verifier/portrait` with `Authorization: Bearer <token>` and `{presentation}` → 200
 * image/jpeg, `Cache-Control: no-store`; 401 ERR_VERIFIER_DEVICE_UNKNOWN; 403
 * ERR_PRESENTATION_NOT_VALID with `verdict`; 404 ERR_PORTRAIT_NOT_FOUND; 422 ERR_VALIDATION; 429
 * ERR_RATE_LIMITED with `retryAfter`. Pages of the VERIFIER_ORIGINS may call it (CORS).
 */
export function verifierRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  const router = Router();
  // Per app, not per module; per node unless the limits are shared (REDIS_URL).
  const limiter = rateLimits.limiter('portrait', {
    limit: PORTRAIT_REQUESTS_PER_MINUTE,
    windowSeconds: 60,
    maxKeys: PORTRAIT_LIMITER_KEYS,
  });
  const json = jsonBody('8kb');

  /** Who is asking: a registered device, within its rate, before any body is read. */
  const device: RequestHandler = async (req, res, next) => {
    noStore(res);
    const { id } = await authenticateVerifierDevice(deps, req.get('authorization')).catch(
      (error: unknown) => {
        // RFC 6750 §3: a 401 names the scheme the client must use.
        res.set('WWW-Authenticate', 'Bearer');
        throw error;
      },
    );
    const verdict = await limiter.take(String(id), deps.now());
    if (!verdict.allowed) {
      res.set('Retry-After', String(verdict.retryAfter));
      throw new ServiceError(
        429,
        'ERR_RATE_LIMITED',
        `portrait: at most ${PORTRAIT_REQUESTS_PER_MINUTE} requests a minute per device; try again in ${verdict.retryAfter} seconds`,
        { retryAfter: verdict.retryAfter },
      );
    }
    res.locals.verifierDeviceId = id;
    next();
  };

  // Before the device check: a preflight carries no token, and a refusal (401, 429) must reach
  // the page of an allowed origin with its CORS headers, or it reads as a network error.
  router.use(PORTRAIT_PATH, verifierCors(deps.config.verifierOrigins));
  router.post(PORTRAIT_PATH, device, json, async (req, res) => {
    const deviceId = res.locals.verifierDeviceId as number;
    const { presentation } = parseInput(portraitSchema, req.body, PORTRAIT_EXPECTED);
    const { photo } = await releasePortrait(deps, deviceId, presentation);
    res.type('image/jpeg').send(Buffer.from(photo));
  });
  return router;
}

/** Photos are personal data: no cache keeps them, nor the answers about them. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}
