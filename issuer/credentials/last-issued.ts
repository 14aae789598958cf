import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * When the driver's e-licence application was last issued (seconds since the epoch); undefined
 * when none ever was. An issued application is what every credential needs first, so this lives
 * with the credentials: application/ depends on credentials/, never the other way round.
 */
export const lastIssuedAt = (db: Db, driverId: number): Promise<number | undefined> =>
  lastIssue(db, 'driver_id', driverId);

/**
 * When the licence's e-licence was last issued, on whichever account held it (seconds since the
 * epoch); undefined when never. The photo-change interval counts from it, so taking the licence
 * over to another account does not start the interval again.
 */
export const licenceLastIssuedAt = (db: Db, licenceNumber: string): Promise<number | undefined> =>
  lastIssue(db, 'licence_number', licenceNumber);

/**
 * The last issue among the applications of one driver or one licence. Reads them through their
 * (driver_id, id) or (licence_number, id) index and picks in code: each has a handful, while
 * `state = 'issued'` alone would lead the planner to the state index, which holds every issued
 * application of the country.
 */
async function lastIssue(
  db: Db,
  column: 'driver_id' | 'licence_number',
  value: number | string,
): Promise<number | undefined> {
  const rows = await db
    .selectFrom('applications')
    .select(['state', 'updated_at'])
    .where(column, '=', value)
    .orderBy('id', 'desc')
    .execute();
  return rows.find((r) => r.state === 'issued')?.updated_at;
}
