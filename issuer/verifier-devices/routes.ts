import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { idSchema, noBody, noStoreJson, seconds } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { listVerifierDevices } from './list-verifier-devices.js';
import {
  registerVerifierDevice,
  VERIFIER_DEVICE_EXPECTED,
  verifierDeviceSchema,
} from './register-verifier-device.js';
import { revokeVerifierDevice } from './revoke-verifier-device.js';

/** GET /api/admin/verifier-devices. */
export const verifierDevicesReply = z.object({
  devices: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      createdBy: z
        .number()
        .int()
        .meta({ description: 'The staff id of the admin who registered it.' }),
      createdAt: seconds(),
      revokedAt: seconds().nullable(),
    }),
  ),
});
export type VerifierDevicesReply = z.infer<typeof verifierDevicesReply>;

/** The routes of police verifier devices (admin). */
export const VERIFIER_DEVICE_SPECS = {
  register: route({
    method: 'post',
    path: '/api/admin/verifier-devices',
    roles: ['admin'],
    operationId: 'registerVerifierDevice',
    tag: 'verifier',
    summary: 'Register a police verifier device; its bearer token is shown once',
    description:
      'The token (256 random bits, base64url) is in this answer only; the service keeps its SHA-256. Audited without the token.',
    body: {
      kind: 'json',
      schema: verifierDeviceSchema,
      expected: VERIFIER_DEVICE_EXPECTED,
      required: true,
    },
    replies: {
      201: noStoreJson(
        'Registered.',
        z.object({
          id: z.number().int(),
          name: z.string(),
          token: z
            .string()
            .meta({ description: 'The bearer token to install on the device; never shown again.' }),
        }),
      ),
    },
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
    summary: 'Revoke a verifier device: its token stops working at once',
    description:
      'Revoking a revoked device changes nothing and answers the first revocation time. Audited.',
    params: { schema: idSchema(15), notFound: 'verifier device' },
    body: noBody,
    replies: {
      200: noStoreJson('Revoked.', z.object({ id: z.number().int(), revokedAt: seconds() })),
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
};

/**
 * Police verifier devices (admin), mounted under /api ({@link VERIFIER_DEVICE_SPECS}): register
 * one (its token shown once), list them, revoke one.
 */
export function verifierDeviceRoutes(deps: ServiceDeps): Router {
  const S = VERIFIER_DEVICE_SPECS;
  return mount(Router(), '/api', [
    handle(S.register, async (req, res, { body }) => {
      const created = await registerVerifierDevice(deps, {
        name: body.name,
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
