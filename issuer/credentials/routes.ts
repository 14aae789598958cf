import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { handle, mount, noStore } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { idSchema, noStoreJson } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { validationError } from '../http/validation.js';
import { currentCredential } from './current-credential.js';
import {
  credentialReply,
  devicesReply,
  issuedCredentialReply,
  registeredDeviceReply,
} from './replies.js';
import { MAX_DEVICES } from './register-device.js';
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

/** The routes of the holder's API. */
export const CREDENTIAL_SPECS = {
  registerDevice: route({
    method: 'post',
    path: '/api/me/devices',
    roles: ['driver'],
    operationId: 'registerDevice',
    tag: 'credentials',
    summary: 'Register a holder device key',
    description: `Past ${MAX_DEVICES} devices, the oldest that does not hold the e-licence is retired (its credential requests are then 404); a retired device of the driver registering its key again comes back under its id.`,
    body: { kind: 'json', schema: deviceSchema, expected: DEVICE_EXPECTED, required: true },
    replies: { 201: noStoreJson('Registered.', registeredDeviceReply) },
    errors: {
      403: ['ERR_LICENCE_NOT_BOUND'],
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_DEVICE_EXISTS'],
      422: ['ERR_VALIDATION', 'ERR_KEY_INVALID'],
    },
  }),
  listDevices: route({
    method: 'get',
    path: '/api/me/devices',
    roles: ['driver'],
    operationId: 'listDevices',
    tag: 'credentials',
    summary: "The driver's devices, oldest first, revoked ones included",
    replies: { 200: noStoreJson('The devices.', devicesReply) },
  }),
  issueCredential: route({
    method: 'post',
    path: '/api/me/devices/:id/credential',
    roles: ['driver'],
    operationId: 'issueCredential',
    tag: 'credentials',
    summary: "Issue the e-licence of the driver's licence to one of the driver's devices",
    description:
      "What the app calls on every refresh while online; no body. Signs format version 2 (FORMAT.md §8) and answers the credential with its holder's copy. The device's live credential is returned as it is (the same holder's copy) while it is current: signed by today's key, after the licence's last change (status, points, dates, portrait), less than CREDENTIAL_REFRESH_AFTER seconds (default a day) ago. Otherwise a new one is signed in the same status slot; a live credential of another device is superseded. The same Idempotency-Key from the same device returns the first answer again. A version 1 credential (issued before version 2) is never returned: a version 2 one is signed in its place.",
    params: {
      schema: idSchema(15, 'The device, from `POST /api/me/devices`.'),
      notFound: 'device',
    },
    headers: z.object({
      [IDEMPOTENCY_HEADER]: z
        .string()
        .regex(/^"[A-Za-z0-9_.:-]{1,64}"$/)
        .optional()
        .meta({
          description: `Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): ${IDEMPOTENCY_HEADER_EXPECTED}.`,
        }),
    }),
    replies: {
      201: noStoreJson('Issued.', issuedCredentialReply),
      200: noStoreJson(
        "The device's live credential, still current; or, for an idempotent replay, the credential the first request made.",
        issuedCredentialReply,
      ),
    },
    errors: {
      403: ['ERR_LICENCE_NOT_BOUND'],
      404: ['ERR_NOT_FOUND'],
      409: ['ERR_APPLICATION_NOT_ISSUED', 'ERR_LICENCE_NOT_USABLE', 'ERR_CONCURRENT_ISSUANCE'],
      422: ['ERR_VALIDATION'],
    },
  }),
  currentCredential: route({
    method: 'get',
    path: '/api/me/credential',
    roles: ['driver'],
    operationId: 'currentCredential',
    tag: 'credentials',
    summary: "The driver's live credential and the device it is bound to",
    description:
      "With its holder's copy, the same as the issuance answered. A live credential of format version 1 (issued before version 2) has no holder's copy and answers 404 as none: the next credential request signs a version 2 one in its place.",
    replies: { 200: noStoreJson('The live credential.', credentialReply) },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
};

/**
 * The holder's API, mounted under /api, for a signed-in driver ({@link CREDENTIAL_SPECS}): its
 * device keys, and the e-licence issued to one of them. No JSON body is read on the credential
 * request every app start makes.
 */
export function credentialRoutes(deps: ServiceDeps): Router {
  const S = CREDENTIAL_SPECS;
  return mount(Router(), '/api', [
    handle(S.registerDevice, async (req, res, { body }) => {
      const created = await registerDevice(deps, {
        driverId: authOf(req).subjectId,
        publicKey: body.publicKey,
      });
      noStore(res).status(201).json(created);
    }),
    handle(S.listDevices, async (req, res) => {
      noStore(res).json({ devices: await listDevices(deps, authOf(req).subjectId) });
    }),
    handle(S.issueCredential, async (req, res, { params }) => {
      const idempotencyKey = idempotencyKeyOf(req.get(IDEMPOTENCY_HEADER));
      const { existing, ...issued } = await issueCredential(deps, {
        driverId: authOf(req).subjectId,
        deviceId: params.id,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      });
      noStore(res)
        .status(existing ? 200 : 201)
        .json(issued);
    }),
    handle(S.currentCredential, async (req, res) => {
      const live = await currentCredential(deps, authOf(req).subjectId);
      if (live === undefined) throw notFound('live credential');
      noStore(res).json(live);
    }),
  ]);
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
