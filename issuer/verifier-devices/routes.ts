import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { verifierCors } from '../http/cors.js';
import { handle, mount, noStore } from '../http/mount.js';
import type { RateLimits } from '../http/rate-limiter.js';
import { route } from '../http/route-spec.js';
import { idSchema, noBody, noStoreJson, seconds } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { validationError } from '../http/validation.js';
import { verifierDeviceGate } from './authenticate-verifier-device.js';
import { enrolVerifierDevice } from './enrol-verifier-device.js';
import { listVerifierDevices } from './list-verifier-devices.js';
import {
  certificationIssues,
  registerVerifierDevice,
  VERIFIER_DEVICE_EXPECTED,
  verifierDeviceSchema,
} from './register-verifier-device.js';
import {
  registeredVerifierDeviceReply,
  verifierCertificateReply,
  verifierDevicesReply,
} from './replies.js';
import { revokeVerifierDevice } from './revoke-verifier-device.js';

/** The path of the enrolment endpoint, under /api. */
export const CERTIFICATE_PATH = '/verifier/certificate';
/** Enrolments one verifier device may ask for per minute: one is enough until it expires. */
export const CERTIFICATE_REQUESTS_PER_MINUTE = 5;
/** Devices the limiter remembers at most. */
const CERTIFICATE_LIMITER_KEYS = 10_000;

/** The body of POST /api/verifier/certificate. */
export const certificateRequestSchema = z.strictObject({
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .meta({ description: "The device's Ed25519 public key, base64url of its 32 bytes (JWK `x`)." }),
});
/** What each field of certificateRequestSchema must be. */
export const CERTIFICATE_REQUEST_EXPECTED = {
  publicKey:
    'the device\'s Ed25519 public key as base64url of its 32 bytes (the JWK "x"), 43 characters',
};

/** The routes of verifier devices: the admin's, and the certificate a device enrols for. */
export const VERIFIER_DEVICE_SPECS = {
  register: route({
    method: 'post',
    path: '/api/admin/verifier-devices',
    roles: ['admin'],
    operationId: 'registerVerifierDevice',
    tag: 'verifier',
    summary:
      'Register a verifier device with what its certificates say; its bearer token is shown once',
    description:
      "The token (256 random bits, base64url) is in this answer only; the service keeps its SHA-256. `{name}` alone registers a police device of the authority's configured organisation (VERIFIER_POLICE_ORG); another role needs `org`. `may` narrows the groups it may ask for within its role's. Audited without the token.",
    body: {
      kind: 'json',
      schema: verifierDeviceSchema,
      expected: VERIFIER_DEVICE_EXPECTED,
      required: true,
    },
    replies: { 201: noStoreJson('Registered.', registeredVerifierDeviceReply) },
    errors: { 422: ['ERR_VALIDATION'] },
  }),
  list: route({
    method: 'get',
    path: '/api/admin/verifier-devices',
    roles: ['admin'],
    operationId: 'listVerifierDevices',
    tag: 'verifier',
    summary: 'Every registered verifier device, revoked ones included, without tokens',
    replies: { 200: noStoreJson('By id. The listing is audited.', verifierDevicesReply) },
  }),
  revoke: route({
    method: 'post',
    path: '/api/admin/verifier-devices/:id/revoke',
    roles: ['admin'],
    operationId: 'revokeVerifierDevice',
    tag: 'verifier',
    summary:
      'Revoke a verifier device: its token stops working at once, its certificates are revoked',
    description:
      'Its entry in the verifier status list becomes INVALID (1): phones refuse the requests of its certificates once they have the list signed after (within the status list max age). Revoking a revoked device changes nothing and answers the first revocation time. Audited.',
    params: { schema: idSchema(15), notFound: 'verifier device' },
    body: noBody,
    replies: {
      200: noStoreJson('Revoked.', z.object({ id: z.number().int(), revokedAt: seconds() })),
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
  certificate: route({
    method: 'post',
    path: `/api${CERTIFICATE_PATH}`,
    roles: ['verifier-device'],
    operationId: 'verifierCertificate',
    tag: 'verifier',
    summary: "A verifier certificate for the device's own key",
    description: `Authenticated by the device's bearer token alone (no session, no CSRF token). The certificate is signed with the key that signs credentials, names the device's organisation, role and groups, the key sent as \`cnf\`, is valid VERIFIER_CERTIFICATE_VALID_DAYS (30 by default), and its \`status\` is the device's entry in a verifier status list, the same entry for every certificate of the device: asking again (a new key after a reinstall, or before the end) gives a new certificate, and revoking the device revokes them all. At most ${CERTIFICATE_REQUESTS_PER_MINUTE} a minute per device. Audited with the key's thumbprint.`,
    body: {
      kind: 'json',
      schema: certificateRequestSchema,
      expected: CERTIFICATE_REQUEST_EXPECTED,
      required: true,
      limit: '1kb',
    },
    replies: { 200: noStoreJson('Certified.', verifierCertificateReply) },
    errors: { 422: ['ERR_VALIDATION', 'ERR_KEY_INVALID'], 429: ['ERR_RATE_LIMITED'] },
  }),
};

/**
 * Verifier devices (admin), mounted under /api after the session middleware
 * ({@link VERIFIER_DEVICE_SPECS}): register one (its token shown once), list them, revoke one.
 */
export function verifierDeviceRoutes(deps: ServiceDeps): Router {
  const S = VERIFIER_DEVICE_SPECS;
  return mount(Router(), '/api', [
    handle(S.register, async (req, res, { body }) => {
      const issues = certificationIssues(body);
      if (issues.length > 0) throw validationError(issues);
      const created = await registerVerifierDevice(deps, {
        name: body.name,
        org: body.org,
        role: body.role,
        may: body.may,
        staffId: authOf(req).subjectId,
      });
      noStore(res).status(201).json(created);
    }),
    handle(S.list, async (req, res) => {
      noStore(res).json({ devices: await listVerifierDevices(deps, authOf(req).subjectId) });
    }),
    handle(S.revoke, async (req, res, { params }) => {
      noStore(res).json(await revokeVerifierDevice(deps, params.id, authOf(req).subjectId));
    }),
  ]);
}

/**
 * The enrolment of a verifier device's key, mounted under /api BEFORE the session middleware,
 * as the portrait route is: a bearer token alone, a cookie never read, no CSRF token.
 *
 * `POST /verifier/certificate` with `Authorization: Bearer <token>` and `{publicKey}` → 200
 * `{certificate, expiresAt, statusUri}`; 401 ERR_VERIFIER_DEVICE_UNKNOWN; 422 ERR_VALIDATION or
 * ERR_KEY_INVALID; 429 ERR_RATE_LIMITED. Pages of the VERIFIER_ORIGINS may call it (CORS).
 */
export function verifierCertificateRoutes(deps: ServiceDeps, rateLimits: RateLimits): Router {
  const limiter = rateLimits.limiter('verifier-certificate', {
    limit: CERTIFICATE_REQUESTS_PER_MINUTE,
    windowSeconds: 60,
    maxKeys: CERTIFICATE_LIMITER_KEYS,
  });
  const device = verifierDeviceGate(
    deps,
    limiter,
    `certificate: at most ${CERTIFICATE_REQUESTS_PER_MINUTE} requests a minute per device`,
  );
  const router = Router();
  router.use(CERTIFICATE_PATH, verifierCors(deps.config.verifierOrigins));
  return mount(router, '/api', [
    handle(
      VERIFIER_DEVICE_SPECS.certificate,
      async (_req, res, { body }) => {
        const deviceId = res.locals.verifierDeviceId as number;
        res.json(await enrolVerifierDevice(deps, deviceId, body.publicKey));
      },
      [device],
    ),
  ]);
}
