import { audit } from '../audit/audit-log.js';
import type { Db } from '../db/database.js';
import { notFound } from '../http/problem.js';

/**
 * Ends the sign-in lockout of the driver account of a licence and clears its failed sign-ins
 * (a driver on the phone to the authority, who cannot wait for the lockout to end). Audited as
 * `driver.unlock` under the licence number.
 * @throws {ServiceError} 404 ERR_NOT_FOUND when the licence has no driver account.
 */
export async function unlockDriver(
  db: Db,
  licenceNumber: string,
  now: number,
  actor: string,
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('drivers')
      .select(['id', 'failed_sign_ins', 'locked_until'])
      .where('licence_number', '=', licenceNumber)
      .executeTakeFirst();
    if (before === undefined) throw notFound('driver account of the licence');
    await trx
      .updateTable('drivers')
      .set({ failed_sign_ins: 0, locked_until: 0 })
      .where('id', '=', before.id)
      .execute();
    await audit(trx, {
      actor,
      action: 'driver.unlock',
      subject: licenceNumber,
      before: { failedSignIns: before.failed_sign_ins, lockedUntil: before.locked_until },
      after: { failedSignIns: 0, lockedUntil: 0 },
      at: now,
    });
  });
}
