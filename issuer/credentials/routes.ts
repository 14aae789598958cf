import { Router, type Response } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { authOf, requireRole } from '../http/session.js';
import { currentCredential } from './current-credential.js';
import { parseInput, pathId, readJsonBody, validationError } from '../http/validation.js';
import { IDEMPOTENCY_KEY, issueCredential } from './issue-credential.js';
import { listDevices } from './list-devices.js';
import { registerDevice } from './register-device.js';

/** The body of POST /api/me/devices. */
export const deviceSchema = z.strictObject({ publicKey: z.string().max(128) });
/** What each field of deviceSchema must be. */
export const DEVICE_EXPECTED = {
  publicKey: 'the Ed25519 public key as base64url of 32 bytes (the JWK "x")',
};

/**
 * The header that makes a credential request safe to retry, as the IETF draft
 * (draft-ietf-httpapi-idempotency-key-header) has it: a Structured Field string, quoted.
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** What its value must be. */
export const IDEMPOTENCY_HEADER_EXPECTED =
  'a quoted string of 1-64 characters of A-Z a-z 0-9 - _ . : (e.g. "retry-1")';

/**
 * The holder's API, mounted under /api, for a signed-in driver:
 *
 * - `POST /me/devices {publicKey}` → 201 `{deviceId}`; 422 `ERR_KEY_INVALID` for a key that is
 *   not a canonical Ed25519 point or is of small order; 409 `ERR_DEVICE_EXISTS`.
 * - `GET /me/devices` → `{devices: [{deviceId, publicKey, createdAt, revokedAt}]}`.
 * - `POST /me/devices/:id/credential`, no body, optionally `Idempotency-Key: "<key>"` → 201
 *   `{credential, jti, expiresAt, listId, index}` for a newly signed credential; 200 with the same
 *   body for the device's live credential while it is current (nothing in it changed, signed
 *   less than CREDENTIAL_REFRESH_AFTER ago) and for an idempotent replay; 404 for a device that
 *   is not the driver's; 409 `ERR_LICENCE_NOT_USABLE` with `reason`; 422 `ERR_VALIDATION` for
 *   an Idempotency-Key of another form. No JSON body to read on the request every app start
 *   makes.
 * - `GET /me/credential` → the live credential (and its `deviceId`), or 404.
 */
export function credentialRoutes(deps: ServiceDeps): Router {
  const router = Router();
  const driver = requireRole('driver');

  router.post('/me/devices', driver, readJsonBody, async (req, res) => {
    const { publicKey } = parseInput(deviceSchema, req.body, DEVICE_EXPECTED);
    const created = await registerDevice(deps, { driverId: authOf(req).subjectId, publicKey });
    noStore(res).status(201).json(created);
  });

  router.get('/me/devices', driver, async (req, res) => {
    const devices = await listDevices(deps, authOf(req).subjectId);
    noStore(res).json({ devices });
  });

  router.post('/me/devices/:id/credential', driver, async (req, res) => {
    const deviceId = pathId(req.params.id, 'device');
    const idempotencyKey = idempotencyKeyOf(req.get(IDEMPOTENCY_HEADER));
    const { existing, ...issued } = await issueCredential(deps, {
      driverId: authOf(req).subjectId,
      deviceId,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    noStore(res)
      .status(existing ? 200 : 201)
      .json(issued);
  });

  router.get('/me/credential', driver, async (req, res) => {
    const live = await currentCredential(deps, authOf(req).subjectId);
    if (live === undefined) throw notFound('live credential');
    noStore(res).json(live);
  });

  return router;
}

/**
 * The key of an Idempotency-Key header, without its quotes; undefined without the header.
 * @throws {ServiceError} 422 ERR_VALIDATION for a value of another form.
 */
function idempotencyKeyOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : undefined;
  if (key !== undefined && IDEMPOTENCY_KEY.test(key)) return key;
  throw validationError([
    {
      field: IDEMPOTENCY_HEADER,
      expected: IDEMPOTENCY_HEADER_EXPECTED,
      found: key === undefined ? 'a value without quotes' : 'a quoted value of another form',
    },
  ]);
}

/** A credential is personal data: no cache keeps it. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}
