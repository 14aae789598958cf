import { Router, type Response } from 'express';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { authOf, requireRole } from '../http/session.js';
import { readJsonBody, parseInput } from '../http/validation.js';
import { listVerifierDevices } from './list-verifier-devices.js';
import {
  registerVerifierDevice,
  VERIFIER_DEVICE_EXPECTED,
  verifierDeviceSchema,
} from './register-verifier-device.js';
import { revokeVerifierDevice } from './revoke-verifier-device.js';

const ID = /^[1-9]\d{0,14}$/;

/**
 * Police verifier devices (admin), mounted under /api; each route reads its own JSON body after
 * the role check:
 * - `POST /admin/verifier-devices {name}` → 201 `{id, name, token}`: the token is shown once.
 * - `GET /admin/verifier-devices` → `{devices: [{id, name, createdBy, createdAt, revokedAt}]}`.
 * - `POST /admin/verifier-devices/:id/revoke` → `{id, revokedAt}`; 404 ERR_NOT_FOUND.
 */
export function verifierDeviceRoutes(deps: ServiceDeps): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.post('/admin/verifier-devices', admin, readJsonBody, async (req, res) => {
    const { name } = parseInput(verifierDeviceSchema, req.body, VERIFIER_DEVICE_EXPECTED);
    const created = await registerVerifierDevice(deps, { name, staffId: authOf(req).subjectId });
    noStore(res).status(201).json(created);
  });

  router.get('/admin/verifier-devices', admin, async (req, res) => {
    const devices = await listVerifierDevices(deps, authOf(req).subjectId);
    noStore(res).json({ devices });
  });

  router.post('/admin/verifier-devices/:id/revoke', admin, readJsonBody, async (req, res) => {
    const id = req.params.id;
    if (typeof id !== 'string' || !ID.test(id)) throw notFound('verifier device');
    const revoked = await revokeVerifierDevice(deps, Number(id), authOf(req).subjectId);
    noStore(res).json(revoked);
  });

  return router;
}

/** The token is a secret, and the list a record of who may see portraits: never cached. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}
