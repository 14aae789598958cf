import type { Kysely } from 'kysely';

/**
 * Indexes for lookups that scanned a whole table, each a table that grows with the country
 * (test/issuer/query-plans.test.ts checks the plans of a driver's journey):
 * - the credentials of a licence on a lifecycle change (`state in ('live', 'refreshed')`, which
 *   the partial index one_live_credential cannot serve);
 * - a driver's devices (registration counts them; an issued application picks the newest);
 * - the applications of a licence (the photo an approval makes the portrait);
 * - expired sessions, deleted at every sign-in.
 */
// Migrations are frozen in time: they must not follow the current schema types. IF NOT EXISTS:
// on a large PostgreSQL database an operator builds these beforehand, CONCURRENTLY (OPERATIONS.md).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('credentials_by_licence')
    .ifNotExists()
    .on('credentials')
    .columns(['licence_number', 'state'])
    .execute();
  await db.schema
    .createIndex('devices_by_driver')
    .ifNotExists()
    .on('devices')
    .columns(['driver_id', 'id'])
    .execute();
  await db.schema
    .createIndex('applications_by_licence')
    .ifNotExists()
    .on('applications')
    .columns(['licence_number', 'id'])
    .execute();
  await db.schema
    .createIndex('sessions_by_expiry')
    .ifNotExists()
    .on('sessions')
    .column('expires_at')
    .execute();
}
