import { sql, type Kysely } from 'kysely';

/**
 * What the admin console needs of the schema:
 * - `staff.disabled_at`: when an admin disabled the account (null: it signs in). A disabled
 *   account signs in as an unknown name does, and its sessions end at once.
 * - `audit_by_time` on `audit_log (at, id)`: the audit log read newest first over a date range
 *   (GET /api/audit/search), a page at a time, without sorting the range.
 * - `sessions_by_subject` on `sessions (subject, subject_id)`: the sessions of one account,
 *   ended when an admin disables it, changes its role or resets its password (and when a driver
 *   resets a password), without reading every session.
 * An operator may build the indexes beforehand on a large PostgreSQL database, CONCURRENTLY
 * under the same names (OPERATIONS.md).
 */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  // Found there, it has run (the migration tests run the steps from 005 on again).
  const { rows } =
    engine === 'postgres'
      ? await sql`select 1 from information_schema.columns
          where table_schema = current_schema() and table_name = 'staff'
            and column_name = 'disabled_at'`.execute(db)
      : await sql`select 1 from pragma_table_info('staff') where name = 'disabled_at'`.execute(db);
  if (rows.length === 0)
    await db.schema.alterTable('staff').addColumn('disabled_at', 'bigint').execute();
  await db.schema
    .createIndex('audit_by_time')
    .ifNotExists()
    .on('audit_log')
    .columns(['at', 'id'])
    .execute();
  await db.schema
    .createIndex('sessions_by_subject')
    .ifNotExists()
    .on('sessions')
    .columns(['subject', 'subject_id'])
    .execute();
}
