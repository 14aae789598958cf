import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ApplicationTable, Database } from '../../db/schema.js';

/** An application row without the photo bytes. */
export type ApplicationRow = Omit<Selectable<ApplicationTable>, 'photo'>;

/** The driver's latest application, without its photo; undefined when there is none. */
export async function latestApplication(
  db: Kysely<Database> | Transaction<Database>,
  driverId: number,
): Promise<ApplicationRow | undefined> {
  return db
    .selectFrom('applications')
    .select([
      'id',
      'driver_id',
      'licence_number',
      'path',
      'state',
      'photo_hash',
      'precheck',
      'submitted_at',
      'deadline',
      'decided_at',
      'reviewer_id',
      'reason',
      'created_at',
      'updated_at',
    ])
    .where('driver_id', '=', driverId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
