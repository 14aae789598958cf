import { STATUS } from '../../shared/status-list.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';

/**
 * Revokes a verifier device: its token stops opening the portrait and certificate endpoints at
 * once, on every node (each request looks the token up), and its entry in the verifier status
 * list becomes INVALID (1), so phones refuse the requests of every certificate it was given
 * (ERR_REQUEST_CERT_REVOKED) once they have the list signed after it. Revoking a revoked device
 * changes nothing and answers the first revocation time. Audited.
 *
 * The revocation is one conditional update: an enrolment running at the same time either
 * committed its status entry before (and this sets it INVALID) or finds the device revoked and
 * issues nothing.
 * @throws {ServiceError} 404 ERR_NOT_FOUND for no such device.
 */
export async function revokeVerifierDevice(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'verifierStatusLists'>,
  id: number,
  staffId: number,
): Promise<{ id: number; revokedAt: number }> {
  const now = deps.now();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('verifier_devices')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(['status_list_id', 'status_index'])
      .executeTakeFirst();
    if (revoked === undefined) {
      const device = await trx
        .selectFrom('verifier_devices')
        .select(['revoked_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (device?.revoked_at == null) throw notFound('verifier device');
      return { id, revokedAt: device.revoked_at };
    }
    const entry =
      revoked.status_list_id === null || revoked.status_index === null
        ? undefined
        : { listId: revoked.status_list_id, index: revoked.status_index };
    if (entry !== undefined)
      await deps.verifierStatusLists.set(trx, [{ ...entry, value: STATUS.INVALID }]);
    await audit(trx, {
      actor: `staff:${staffId}`,
      action: 'verifier-device.revoke',
      subject: `verifier-device:${id}`,
      before: { revokedAt: null },
      after: {
        revokedAt: now,
        ...(entry === undefined
          ? {}
          : { status: { uri: deps.verifierStatusLists.uri(entry.listId), idx: entry.index } }),
      },
      at: now,
    });
    return { id, revokedAt: now };
  });
}
