import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';

/** Random bytes in a device token: 256 bits, as base64url 43 characters. */
export const VERIFIER_TOKEN_BYTES = 32;

/** The body of POST /api/admin/verifier-devices. */
export const verifierDeviceSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
});
/** What each field of verifierDeviceSchema must be. */
export const VERIFIER_DEVICE_EXPECTED = {
  name: 'a name that tells the device apart (unit, handset number), 1–100 characters',
};

/** SHA-256 (base64url) of a device token: what the table keeps and what a lookup compares. */
export function verifierTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Registers a police verifier device: a random bearer token, of which the service keeps only
 * the SHA-256. The token is in this answer and nowhere else; a lost token means a new
 * registration (and revoking the old one). Audited without the token.
 * @returns the device id, its name, and the token to install on the device.
 */
export async function registerVerifierDevice(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  input: { readonly name: string; readonly staffId: number },
): Promise<{ id: number; name: string; token: string }> {
  const token = randomBytes(VERIFIER_TOKEN_BYTES).toString('base64url');
  const now = deps.now();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('verifier_devices')
      .values({
        name: input.name,
        token_hash: verifierTokenHash(token),
        created_by: input.staffId,
        created_at: now,
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, {
      actor: `staff:${input.staffId}`,
      action: 'verifier-device.register',
      subject: `verifier-device:${id}`,
      after: { name: input.name },
      at: now,
    });
    return { id, name: input.name, token };
  });
}
