import { audit } from '../audit/audit-log.js';
import type { Db } from '../db/database.js';
import { notFound } from '../service-error.js';

/** The account whose lockout ends: a member of staff by id, a driver by licence number. */
export type LockedAccount =
  | { readonly kind: 'staff'; readonly id: number }
  | { readonly kind: 'driver'; readonly licenceNumber: string };

/**
 * Ends an account's sign-in lockout and clears its failed sign-ins (an admin's act, for someone
 * who cannot wait for the lockout to end). Audited as `staff.unlock` (subject `staff:<id>`) or
 * `driver.unlock` (subject the licence number).
 * @throws {ServiceError} 404 ERR_NOT_FOUND when there is no such account.
 */
export async function unlockAccount(
  db: Db,
  account: LockedAccount,
  now: number,
  actor: string,
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    const columns = ['id', 'failed_sign_ins', 'locked_until'] as const;
    const before =
      account.kind === 'driver'
        ? await trx
            .selectFrom('drivers')
            .select(columns)
            .where('licence_number', '=', account.licenceNumber)
            .executeTakeFirst()
        : await trx
            .selectFrom('staff')
            .select(columns)
            .where('id', '=', account.id)
            .executeTakeFirst();
    if (before === undefined)
      throw notFound(
        account.kind === 'driver' ? 'driver account of the licence' : `staff account ${account.id}`,
      );
    await trx
      .updateTable(account.kind === 'driver' ? 'drivers' : 'staff')
      .set({ failed_sign_ins: 0, locked_until: 0 })
      .where('id', '=', before.id)
      .execute();
    await audit(trx, {
      actor,
      action: `${account.kind}.unlock`,
      subject: account.kind === 'driver' ? account.licenceNumber : `staff:${before.id}`,
      before: { failedSignIns: before.failed_sign_ins, lockedUntil: before.locked_until },
      after: { failedSignIns: 0, lockedUntil: 0 },
      at: now,
    });
  });
}
