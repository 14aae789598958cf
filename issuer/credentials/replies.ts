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
    credential: z.string().meta({ description: 'The e-licence, a compact JWS (FORMAT.md §3).' }),
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
