import { Router } from 'express';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { noStoreJson } from '../http/schemas.js';
import { listKeys } from './list-keys.js';
import { keysReply } from './replies.js';

/** The routes of the issuer's signing keys (admin). */
export const KEY_SPECS = {
  list: route({
    method: 'get',
    path: '/api/admin/keys',
    roles: ['admin'],
    operationId: 'listKeys',
    tag: 'keys',
    summary: "The issuer's signing keys and their schedule, newest first",
    description:
      "What `liangzheng keys list` prints, public parts only: each key by its thumbprint, its state, when it was made and published, when a pending key starts signing, when a retired one leaves the JWKS. A rotation is `liangzheng keys rotate` in the service's environment (docs/OPERATIONS.md §2); the API offers none.",
    replies: {
      200: noStoreJson('The keys.', keysReply),
    },
  }),
};

/** The keys' routes, mounted under /api. */
export function keyRoutes(deps: ServiceDeps): Router {
  return mount(Router(), '/api', [
    handle(KEY_SPECS.list, async (_req, res) => {
      const { dataDir, keyPublishAhead } = deps.config;
      const keys = await listKeys(deps.db, dataDir, deps.now(), keyPublishAhead);
      noStore(res).json({
        keys: keys.map((k) => ({
          kid: k.kid ?? null,
          state: k.state,
          createdAt: k.createdAt,
          publishedAt: k.publishedAt ?? null,
          signsFrom: k.signsFrom ?? null,
          retiredAt: k.retiredAt,
          lastExpiry: k.lastExpiry,
        })),
        publishAhead: keyPublishAhead,
      });
    }),
  ]);
}
