import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import type { Db } from '../db/database.js';
import { ServiceError } from '../service-error.js';
import type { Auth } from '../http/session.js';

/** The signed-in account as `GET /api/me` shows it: never a full ID number. */
export type CurrentAccount =
  | {
      readonly role: 'driver';
      readonly subject: 'driver';
      readonly driverId: number;
      /**
       * The licence the account holds, masked: the region code and the last four characters
       * only, e.g. 440106********2429; null while it holds none (bind one first).
       */
      readonly licenceNumber: string | null;
    }
  | {
      readonly role: 'reviewer' | 'admin';
      readonly subject: 'staff';
      readonly staffId: number;
      readonly username: string;
    };

/**
 * Describes the account of a session.
 * @throws {ServiceError} 401 ERR_UNAUTHENTICATED when the account no longer exists.
 */
export async function currentAccount(db: Db, auth: Auth): Promise<CurrentAccount> {
  if (auth.subject === 'driver') {
    const driver = await db.kysely
      .selectFrom('drivers')
      .select(['id', 'licence_number'])
      .where('id', '=', auth.subjectId)
      .executeTakeFirst();
    if (driver === undefined) throw gone();
    return {
      role: 'driver',
      subject: 'driver',
      driverId: driver.id,
      licenceNumber:
        driver.licence_number === null ? null : maskLicenceNumber(driver.licence_number),
    };
  }
  const staff = await db.kysely
    .selectFrom('staff')
    .select(['id', 'username', 'role'])
    .where('id', '=', auth.subjectId)
    .executeTakeFirst();
  if (staff === undefined) throw gone();
  return { role: staff.role, subject: 'staff', staffId: staff.id, username: staff.username };
}

function gone(): ServiceError {
  return new ServiceError(
    401,
    'ERR_UNAUTHENTICATED',
    'the account of this session no longer exists',
  );
}
