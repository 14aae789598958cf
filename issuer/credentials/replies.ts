/*
 * What the holder's routes (routes.ts) answer that the driver's app reads: its devices and its
 * e-licence. Schemas free of any Node import, and the types they give.
 */
import { z } from 'zod';
import { seconds } from '../http/schemas.js';

/** POST /api/me/devices. */
export const registeredDeviceReply = z.object({ deviceId: z.number().int() });
export type RegisteredDeviceReply = z.output<typeof registeredDeviceReply>;

/** An e-licence as issued. */
export const issuedCredentialReply = z
  .object({
    credential: z.string().meta({
      description:
        'The e-licence, a compact JWS of format version 2 (`typ` lzdl+sd-jwt, FORMAT.md §8.1).',
    }),
    holderCopy: z.string().meta({
      description:
        'The credential with the seed of its salts and its values (FORMAT.md §8.4): what the phone keeps and presents from. It holds every licence value: keep it on the device only.',
    }),
    jti: z.string(),
    expiresAt: seconds(),
    listId: z
      .number()
      .int()
      .meta({ description: 'The status list of the credential (`/status/{listId}`).' }),
    index: z.number().int().meta({ description: 'Its entry in that list.' }),
  })
  .meta({ id: 'IssuedCredential' });
export type IssuedCredentialReply = z.output<typeof issuedCredentialReply>;
/** GET /api/me/credential. */
export const credentialReply = issuedCredentialReply.extend({ deviceId: z.number().int() });
export type CredentialReply = z.output<typeof credentialReply>;

/** GET /api/me/devices. */
export const devicesReply = z.object({
  devices: z.array(
    z.object({
      deviceId: z.number().int(),
      publicKey: z.string().meta({ description: 'base64url (JWK `x`).' }),
      createdAt: seconds(),
      revokedAt: seconds().nullable(),
    }),
  ),
});
export type DevicesReply = z.output<typeof devicesReply>;
