import { sql, type Kysely } from 'kysely';
import { hasTable } from './internal/has-table.js';

/**
 * Binding a licence to an account becomes an identity event (docs/DOMAIN.md §1.1): an account
 * exists with a phone number and a password, and holds a licence only after a one-time code to
 * that phone and a real-person check for the licence.
 * - `drivers.licence_number` may be null (an account that holds no licence yet, or whose licence
 *   was taken over); it stays unique among the accounts that hold one.
 * - `drivers.phone` is unique: it names the account at sign-in and recovery. Accounts made before
 *   with a phone number another account also has keep it only on the oldest of them; the others
 *   get an unusable placeholder (`dup:<id>`) and must recover by licence number and real-person
 *   check, which this migration cannot do for them.
 * - `drivers.bound_at` and `drivers.binding_check` record when and how the licence was bound
 *   (the real-person check's outcome, score and provider reference, as JSON), for reviewers.
 *   Accounts bound before this have `bound_at` = their creation and no check.
 * - `phone_codes`: the one-time codes sent, by purpose; only a hash of each code is kept.
 * - `binding_claims`: the licence an account asked to bind, until the check passes.
 * - `account_resets`: a password reset under way, after its code was entered (token hash only).
 */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(
  db: Kysely<unknown>,
  engine: 'sqlite' | 'postgres',
  allowSchemaEdit?: (on: boolean) => void,
): Promise<void> {
  const serial = engine === 'postgres' ? 'bigserial' : 'integer';
  // One transaction: either all of it is there or none. Found there, it has run (the migration
  // tests run the steps from 005 on again).
  if (await hasTable(db, engine, 'phone_codes')) return;
  if (engine === 'postgres') {
    await sql`alter table drivers alter column licence_number drop not null`.execute(db);
  } else {
    // SQLite cannot drop a NOT NULL in place; the table's text in sqlite_master is edited, a
    // change that leaves the stored rows as they are (sqlite.org/lang_altertable.html §7, "the
    // removal of … NOT NULL constraints"). A rebuild would need foreign keys off, which cannot
    // be done inside the migration's transaction.
    if (allowSchemaEdit === undefined)
      throw new Error('007-enrolment: expected a schema edit hook');
    const row = await sql<{ sql: string }>`
      select sql from sqlite_master where type = 'table' and name = 'drivers'`.execute(db);
    const before = row.rows[0]?.sql ?? '';
    const after = before.replace(
      /"licence_number" varchar\(18\) not null unique/i,
      '"licence_number" varchar(18) unique',
    );
    if (after === before)
      throw new Error('007-enrolment: expected drivers.licence_number not null unique');
    const version = await sql<{ schema_version: number }>`pragma schema_version`.execute(db);
    allowSchemaEdit(true);
    try {
      await sql`pragma writable_schema = on`.execute(db);
      await sql`update sqlite_master set sql = ${after} where type = 'table' and name = 'drivers'`.execute(
        db,
      );
      await sql
        .raw(`pragma schema_version = ${(version.rows[0]?.schema_version ?? 0) + 1}`)
        .execute(db);
      await sql`pragma writable_schema = off`.execute(db);
    } finally {
      allowSchemaEdit(false);
    }
  }

  await sql`
    update drivers set phone = 'dup:' || cast(id as varchar(20))
    where exists (select 1 from drivers o where o.phone = drivers.phone and o.id < drivers.id)`.execute(
    db,
  );
  await db.schema.createIndex('drivers_by_phone').unique().on('drivers').column('phone').execute();
  await db.schema.alterTable('drivers').addColumn('bound_at', 'bigint').execute();
  await db.schema.alterTable('drivers').addColumn('binding_check', 'text').execute();
  await sql`update drivers set bound_at = created_at where licence_number is not null`.execute(db);

  await db.schema
    .createTable('phone_codes')
    .addColumn('id', serial, (c) =>
      engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('phone', 'varchar(20)', (c) => c.notNull())
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(43)', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('phone_codes_by_phone')
    .on('phone_codes')
    .columns(['phone', 'purpose', 'sent_at'])
    .execute();

  await db.schema
    .createTable('binding_claims')
    .addColumn('driver_id', 'bigint', (c) => c.primaryKey().references('drivers.id'))
    .addColumn('licence_number', 'varchar(18)', (c) =>
      c.notNull().references('licences.licence_number'),
    )
    .addColumn('code_passed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('account_resets')
    .addColumn('token_hash', 'varchar(43)', (c) => c.primaryKey())
    .addColumn('driver_id', 'bigint', (c) => c.notNull().references('drivers.id'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
