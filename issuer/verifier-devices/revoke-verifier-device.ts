import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';

/**
 * Revokes a verifier device: its token stops opening the portrait endpoint at once, on every
 * node (each request looks the token up). Revoking a revoked device changes nothing and answers
 * the first revocation time. Audited.
 * @throws {ServiceError} 404 ERR_NOT_FOUND for no such device.
 */
export async function revokeVerifierDevice(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  id: number,
  staffId: number,
): Promise<{ id: number; revokedAt: number }> {
  const now = deps.now();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const device = await trx
      .selectFrom('verifier_devices')
      .select(['id', 'revoked_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (device === undefined) throw notFound('verifier device');
    if (device.revoked_at !== null) return { id, revokedAt: device.revoked_at };
    await trx
      .updateTable('verifier_devices')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    await audit(trx, {
      actor: `staff:${staffId}`,
      action: 'verifier-device.revoke',
      subject: `verifier-device:${id}`,
      before: { revokedAt: null },
      after: { revokedAt: now },
      at: now,
    });
    return { id, revokedAt: now };
  });
}
