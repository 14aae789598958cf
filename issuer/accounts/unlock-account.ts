import { audit } from '../audit/audit-log.js';
import type { Db } from '../db/database.js';
import { notFound } from '../service-error.js';
import { driverNames, forgetFailures, locksOf, type SignInName } from './sign-in-failures.js';

/** The account whose lockout ends: a member of staff by id, a driver by licence number. */
export type LockedAccount =
  | { readonly kind: 'staff'; readonly id: number }
  | { readonly kind: 'driver'; readonly licenceNumber: string };

/**
 * Ends the sign-in lockout of every name of an account (a driver's licence number and phone
 * number, a member of staff's username) and forgets their failed sign-ins: an admin's act, for
 * someone who cannot wait for the lock to end. Audited as `staff.unlock` (subject `staff:<id>`)
 * or `driver.unlock` (subject the licence number), with the lock that held.
 * @throws {ServiceError} 404 ERR_NOT_FOUND when there is no such account.
 */
export async function unlockAccount(
  db: Db,
  account: LockedAccount,
  now: number,
  actor: string,
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    let subject: string;
    let names: SignInName[];
    if (account.kind === 'driver') {
      const driver = await trx
        .selectFrom('drivers')
        .select('phone')
        .where('licence_number', '=', account.licenceNumber)
        .executeTakeFirst();
      if (driver === undefined) throw notFound('driver account of the licence');
      subject = account.licenceNumber;
      names = driverNames({ phone: driver.phone, licenceNumber: account.licenceNumber });
    } else {
      const staff = await trx
        .selectFrom('staff')
        .select('username')
        .where('id', '=', account.id)
        .executeTakeFirst();
      if (staff === undefined) throw notFound(`staff account ${account.id}`);
      subject = `staff:${account.id}`;
      names = [{ kind: 'staff', name: staff.username }];
    }
    // The audit keeps the latest lock that held; then every name's count goes.
    const held = (await locksOf(trx, names, now)).filter((l) => l !== null);
    const lockedUntil = held.length === 0 ? null : Math.max(...held);
    await forgetFailures(trx, names);
    await audit(trx, {
      actor,
      action: `${account.kind}.unlock`,
      subject,
      before: { lockedUntil },
      after: { lockedUntil: null },
      at: now,
    });
  });
}
