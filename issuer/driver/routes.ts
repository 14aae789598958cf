import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { image, NO_STORE_HEADERS, noStoreJson } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { licenceStatus } from './licence-status.js';
import { licenceReply } from './replies.js';
import { ownPortrait } from './own-portrait.js';

/** The routes of what the driver's app reads about its own licence. */
export const DRIVER_SPECS = {
  licence: route({
    method: 'get',
    path: '/api/me/licence',
    roles: ['driver'],
    operationId: 'ownLicenceStatus',
    tag: 'credentials',
    summary: "The current status of the driver's licence, from the registry",
    description:
      'The app shows the QR in black when `usable`, in red otherwise; `reason` as in ERR_LICENCE_NOT_USABLE.',
    replies: { 200: noStoreJson('The status.', licenceReply) },
    errors: { 403: ['ERR_LICENCE_NOT_BOUND'], 404: ['ERR_NOT_FOUND'] },
  }),
  portrait: route({
    method: 'get',
    path: '/api/me/portrait',
    roles: ['driver'],
    operationId: 'ownPortrait',
    tag: 'credentials',
    summary: "The portrait of the driver's licence, JPEG (the credential's `ph` is its SHA-256)",
    replies: {
      200: {
        description: 'The portrait.',
        content: { 'image/jpeg': image('image/jpeg') },
        headers: NO_STORE_HEADERS.extend({
          ETag: z.string().meta({ description: 'The SHA-256 of the image, base64url, quoted.' }),
        }),
      },
    },
    errors: { 403: ['ERR_LICENCE_NOT_BOUND'], 404: ['ERR_NOT_FOUND'] },
  }),
};

/**
 * What the driver's app reads about its own licence, mounted under /api (no bodies): its status,
 * which colours the QR (black when usable, red when not), and its portrait with `ETag` (the
 * portrait's SHA-256, the credential's `ph`).
 */
export function driverRoutes(deps: ServiceDeps): Router {
  return mount(Router(), '/api', [
    handle(DRIVER_SPECS.licence, async (req, res) => {
      noStore(res).json(await licenceStatus(deps, authOf(req).subjectId));
    }),
    handle(DRIVER_SPECS.portrait, async (req, res) => {
      const { photo, hash } = await ownPortrait(deps, authOf(req).subjectId);
      noStore(res).set('ETag', `"${hash}"`).type('image/jpeg').send(Buffer.from(photo));
    }),
  ]);
}
