import { driverNames, locksOf } from '../accounts/sign-in-failures.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';

/** The driver account that holds a licence, as an admin sees it: no phone, no password. */
export interface DriverAccountView {
  readonly createdAt: number;
  readonly boundAt: number | null;
  /** When the sign-in lock on its names (licence number, phone) ends; null when none holds. */
  readonly lockedUntil: number | null;
}

/**
 * The driver account that holds the licence `licenceNumber`, and whether its sign-in is locked
 * (by its licence number or its phone number: the later lock); null when no account holds it.
 * @throws {ServiceError} 404 ERR_NOT_FOUND when the registry has no such licence.
 */
export async function driverAccountOf(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  licenceNumber: string,
): Promise<DriverAccountView | null> {
  const db = deps.db.kysely;
  const licence = await db
    .selectFrom('licences')
    .select('licence_number')
    .where('licence_number', '=', licenceNumber)
    .executeTakeFirst();
  if (licence === undefined) throw notFound('licence');
  const driver = await db
    .selectFrom('drivers')
    .select(['phone', 'created_at', 'bound_at'])
    .where('licence_number', '=', licenceNumber)
    .executeTakeFirst();
  if (driver === undefined) return null;
  const locks = await locksOf(db, driverNames({ phone: driver.phone, licenceNumber }), deps.now());
  const held = locks.filter((l) => l !== null);
  return {
    createdAt: driver.created_at,
    boundAt: driver.bound_at,
    lockedUntil: held.length === 0 ? null : Math.max(...held),
  };
}
