import { sql, type Kysely } from 'kysely';
import { hasTable } from './internal/has-table.js';

/**
 * Verifier certificates (issue 16): the authority certifies a verifier device's own key with an
 * organisation, a role and the groups the role may ask a holder for, and can revoke it.
 * - `verifier_devices.org`: the organisation a holder reads; null for the devices registered
 *   before, and for a police device registered with a name alone: the authority's configured
 *   name (VERIFIER_POLICE_ORG).
 * - `verifier_devices.role` (police, rental, insurance, employer, age): police for the devices
 *   registered before, which were all police devices.
 * - `verifier_devices.may`: the group indices it may ask for, comma-separated; null: all of its
 *   role's.
 * - `verifier_devices.status_list_id`, `status_index`: its entry in a verifier status list,
 *   given at its first enrolment and kept for every certificate after; `key_thumbprint`,
 *   `enrolled_at`, `certificate_expires_at`: its last enrolment.
 * - `verifier_status_lists`: the verifier status lists, kept as `status_lists` keeps the
 *   credentials' (packed statuses, a version, the signed token of a version).
 */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  // One transaction: either all of it is there or none. Found there, it has run (the migration
  // tests run the steps from 005 on again).
  if (await hasTable(db, engine, 'verifier_status_lists')) return;
  const blob = engine === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('verifier_status_lists')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('next_index', 'bigint', (c) => c.notNull())
    .addColumn('capacity', 'bigint', (c) => c.notNull())
    .addColumn('statuses', blob, (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('token', 'text')
    .addColumn('token_version', 'bigint', (c) => c.notNull().defaultTo(-1))
    .addColumn('token_iat', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  const devices = db.schema.alterTable('verifier_devices');
  await devices.addColumn('org', 'varchar(40)').execute();
  await devices.addColumn('role', 'varchar(12)', (c) => c.notNull().defaultTo('police')).execute();
  await devices.addColumn('may', 'varchar(32)').execute();
  await devices
    .addColumn('status_list_id', 'integer', (c) => c.references('verifier_status_lists.id'))
    .execute();
  await devices.addColumn('status_index', 'bigint').execute();
  await devices.addColumn('key_thumbprint', 'varchar(43)').execute();
  await devices.addColumn('enrolled_at', 'bigint').execute();
  await devices.addColumn('certificate_expires_at', 'bigint').execute();
  await sql`create unique index verifier_devices_by_status_entry
    on verifier_devices (status_list_id, status_index)`.execute(db);
}
