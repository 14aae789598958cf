import express, { Router } from 'express';
import { z } from 'zod';
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from '../application/routes.js';
import type { ServiceDeps } from '../deps.js';
import { verifierCors } from '../http/cors.js';
import { handle, mount, noStore } from '../http/mount.js';
import type { RateLimits } from '../http/rate-limiter.js';
import { route } from '../http/route-spec.js';
import { image, licenceNumberParams, NO_STORE_HEADERS, noStoreJson } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { unsupportedMediaType } from '../http/validation.js';
import { verifierDeviceGate } from '../verifier-devices/authenticate-verifier-device.js';
import {
  MAX_PRESENTATION_LENGTH,
  MAX_REQUEST_LENGTH,
  releasePortrait,
} from './release-portrait.js';
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
  request: z.string().min(1).max(MAX_REQUEST_LENGTH).optional(),
});
/** What each field of portraitSchema must be. */
export const PORTRAIT_EXPECTED = {
  presentation: `the text of the driver's dynamic QR (LZ1:… or LZ2:…), at most ${MAX_PRESENTATION_LENGTH} characters`,
  request: `when the code answers this device's request, the request's QR text (LZQ1:…) as the device showed it, at most ${MAX_REQUEST_LENGTH} characters`,
};

/** The routes of the registry photo (admin) and of the portrait a verifier device fetches. */
export const PORTRAIT_SPECS = {
  registryPhoto: route({
    method: 'put',
    path: '/api/registry/licences/:number/photo',
    roles: ['admin'],
    operationId: 'setRegistryPhoto',
    tag: 'registry',
    summary: 'Set the registry photo of a licence: the stored path is then offered',
    description: `The body is the image itself, at most ${MAX_PHOTO_BYTES} bytes, read after the admin check. It passes the same automatic pre-check as a driver's photo and is stored re-encoded, without metadata; the licence's portrait hash follows. Audited with the hashes before and after. Credentials issued before keep the old hash and no longer find a portrait until they are refreshed.`,
    params: licenceNumberParams,
    body: {
      kind: 'raw',
      content: Object.fromEntries(PHOTO_TYPES.map((type) => [type, image(type)])),
      read: () => express.raw({ type: [...PHOTO_TYPES], limit: MAX_PHOTO_BYTES }),
    },
    replies: {
      200: noStoreJson(
        'Stored.',
        z.object({
          portraitHash: z.string().meta({ description: 'SHA-256 (base64url) of the stored JPEG.' }),
        }),
      ),
    },
    errors: {
      404: ['ERR_NOT_FOUND'],
      413: ['ERR_TOO_LARGE'],
      415: ['ERR_UNSUPPORTED_MEDIA_TYPE'],
      422: ['ERR_PHOTO_REJECTED'],
    },
  }),
  verifierPortrait: route({
    method: 'post',
    path: `/api${PORTRAIT_PATH}`,
    roles: ['verifier-device'],
    operationId: 'verifierPortrait',
    tag: 'verifier',
    summary: 'The portrait of the licence a driver is presenting, for a verifier device',
    description:
      "Authenticated by the device's bearer token alone: a session cookie is not read, and no CSRF token is asked for. Only a device whose role may ask for the holder group (police, rental, insurance, employer, unless its admin left the group out) gets portraits; any other is refused with 403 ERR_PORTRAIT_BEYOND_ROLE. A code that answers the device's own request verifies only with that request: `request` is its QR text, which must verify and carry this device's certificate (403 ERR_REQUEST_NOT_VALID with `verdict` otherwise). The presentation is verified as a verifier would (issuer keys and status list of this service, holder proof at most 60 s old with 10 s tolerance, licence status and dates, at the service's clock); the freshly made QR is the driver's consent, and the portrait is released only when it disclosed the holder group (format version 2: police, rental, insurance, employer, or a custom choice with it; version 1 shows everything), otherwise 403 ERR_PORTRAIT_NOT_DISCLOSED. The answer is the current portrait of the credential's licence when its SHA-256 is the credential's `ph`. Every request of a registered device is audited (device, licence, outcome; never the photo).",
    body: {
      kind: 'json',
      schema: portraitSchema,
      expected: PORTRAIT_EXPECTED,
      required: true,
      limit: '8kb',
    },
    replies: {
      200: {
        description: 'The portrait, the JPEG whose SHA-256 (base64url) is `ph`.',
        content: { 'image/jpeg': image('image/jpeg') },
        headers: NO_STORE_HEADERS,
      },
    },
    errors: {
      403: [
        'ERR_PORTRAIT_BEYOND_ROLE',
        'ERR_REQUEST_NOT_VALID',
        'ERR_PRESENTATION_NOT_VALID',
        'ERR_PORTRAIT_NOT_DISCLOSED',
      ],
      404: ['ERR_PORTRAIT_NOT_FOUND'],
      422: ['ERR_VALIDATION'],
      429: ['ERR_RATE_LIMITED'],
    },
  }),
};

/**
 * The registry photo, mounted under /api after the session middleware: the image (image/jpeg
 * or image/png of at most 6 MB) is read after the role check.
 */
export function registryPhotoRoutes(deps: ServiceDeps): Router {
  return mount(Router(), '/api', [
    handle(PORTRAIT_SPECS.registryPhoto, async (req, res, { params }) => {
      if (!req.is([...PHOTO_TYPES]) || !Buffer.isBuffer(req.body))
        throw unsupportedMediaType(req, PHOTO_TYPES.join(' or '));
      const result = await setRegistryPhoto(deps, {
        licenceNumber: params.number,
        bytes: req.body,
        actor: `staff:${authOf(req).subjectId}`,
      });
      noStore(res).json({ portraitHash: result.portraitHash });
    }),
  ]);
}

/**
 * The portrait endpoint for police verifier devices, mounted under /api BEFORE the session
 * middleware: it is authenticated by the device's bearer token alone, so a session cookie is
 * never read here (and cannot open it), and no CSRF token is asked for (a bearer token is not
 * sent by a browser on its own, so there is no cross-site request to forge).
 *
 * `POST /verifier/portrait` with `Authorization: Bearer <token>` and `{presentation}` → 200
 * image/jpeg, `Cache-Control: no-store`; 401 ERR_VERIFIER_DEVICE_UNKNOWN; 403
 * ERR_PRESENTATION_NOT_VALID with `verdict`, or ERR_PORTRAIT_NOT_DISCLOSED when the presentation
 * withholds the holder group; 404 ERR_PORTRAIT_NOT_FOUND; 422 ERR_VALIDATION; 429
 * ERR_RATE_LIMITED with `retryAfter`. Pages of the VERIFIER_ORIGINS may call it (CORS).
 */
export function verifierRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  // Per app, not per module; per node unless the limits are shared (REDIS_URL).
  const limiter = rateLimits.limiter('portrait', {
    limit: PORTRAIT_REQUESTS_PER_MINUTE,
    windowSeconds: 60,
    maxKeys: PORTRAIT_LIMITER_KEYS,
  });
  /** Who is asking: a registered device, within its rate, before any body is read. */
  const device = verifierDeviceGate(
    deps,
    limiter,
    `portrait: at most ${PORTRAIT_REQUESTS_PER_MINUTE} requests a minute per device`,
  );

  // Before the device check: a preflight carries no token, and a refusal (401, 429) must reach
  // the page of an allowed origin with its CORS headers, or it reads as a network error.
  const router = Router();
  router.use(PORTRAIT_PATH, verifierCors(deps.config.verifierOrigins));
  return mount(router, '/api', [
    handle(
      PORTRAIT_SPECS.verifierPortrait,
      async (_req, res, { body }) => {
        const deviceId = res.locals.verifierDeviceId as number;
        const { photo } = await releasePortrait(deps, deviceId, body.presentation, body.request);
        res.type('image/jpeg').send(Buffer.from(photo));
      },
      [device],
    ),
  ]);
}
