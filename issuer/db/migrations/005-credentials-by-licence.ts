import type { Kysely } from 'kysely';

/**
 * The credentials of one licence, found without a scan: a lifecycle change marks every live and
 * refreshed credential of the licence (`state in ('live', 'refreshed')`), which the partial
 * index one_live_credential cannot serve.
 */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('credentials_by_licence')
    .on('credentials')
    .columns(['licence_number', 'state'])
    .execute();
}
