/*
 * What the keys route (routes.ts) answers, which the console reads. Free of any Node import.
 */
import { z } from 'zod';
import { seconds } from '../http/schemas.js';

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

/** GET /api/admin/keys. */
export const keysReply = z.object({
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
});
export type KeysReply = z.output<typeof keysReply>;
