import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * When the driver's e-licence application was last issued (seconds since the epoch); undefined
 * when none ever was. An issued application is what every credential needs first, so this lives
 * with the credentials: application/ depends on credentials/, never the other way round. Reads
 * the driver's applications through their (driver_id, id) index and picks in code: a driver has
 * a handful, while `state = 'issued'` alone would lead the planner to the state index, which
 * holds every issued application of the country.
 */
export async function lastIssuedAt(db: Db, driverId: number): Promise<number | undefined> {
  const rows = await db
    .selectFrom('applications')
    .select(['state', 'updated_at'])
    .where('driver_id', '=', driverId)
    .orderBy('id', 'desc')
    .execute();
  return rows.find((r) => r.state === 'issued')?.updated_at;
}

/**
 * When the licence's e-licence was last issued, on whichever account held it (`licence`), and
 * on the driver's own account (`account`); each undefined when never. The photo-change interval
 * counts from `licence`, so taking the licence over to another account does not start it again.
 * One read, through the (licence_number, id) index: a licence has a handful of applications, and
 * an account's are all of its licence's.
 */
export async function lastIssues(
  db: Db,
  licenceNumber: string,
  driverId: number,
): Promise<{ readonly licence?: number; readonly account?: number }> {
  const issued = (
    await db
      .selectFrom('applications')
      .select(['driver_id', 'state', 'updated_at'])
      .where('licence_number', '=', licenceNumber)
      .orderBy('id', 'desc')
      .execute()
  ).filter((r) => r.state === 'issued');
  const account = issued.find((r) => r.driver_id === driverId)?.updated_at;
  return {
    ...(issued[0] === undefined ? {} : { licence: issued[0].updated_at }),
    ...(account === undefined ? {} : { account }),
  };
}
