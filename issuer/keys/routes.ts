import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { noStoreJson, seconds } from '../http/schemas.js';
import { listKeys } from './list-keys.js';

/** The states of an issuer key (list-keys.ts). */
const KEY_STATES = [
  'signing',
  'pending',
  'next',
  'published',
  'withdrawn',
  'unused',
  'unreadable',
] as const;

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
      200: noStoreJson(
        'The keys.',
        z.object({
          keys: z.array(
            z.object({
              kid: z.string().nullable().meta({
                description: 'RFC 7638 thumbprint; null when its public key does not read.',
              }),
              state: z.enum(KEY_STATES).meta({
                description:
                  '`signing`: signs now; `pending`: published, signs from `signsFrom`; `next`: made, published from the next start; `published`: no longer signs, in the JWKS until `lastExpiry`; `withdrawn`: out of the JWKS; `unused`: an older key no service used; `unreadable`.',
              }),
              createdAt: seconds(),
              publishedAt: seconds('When a service first published it.').nullable(),
              signsFrom: seconds('A pending key: when it starts signing.').nullable(),
              retiredAt: seconds('When a newer key took over.').nullable(),
              lastExpiry: seconds(
                'The latest expiry of a credential it signed (0: none): it stays in the JWKS until then.',
              ),
            }),
          ),
          publishAhead: z.number().int().meta({
            description: 'KEY_PUBLISH_AHEAD: seconds a new key is published before it signs.',
          }),
        }),
      ),
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
