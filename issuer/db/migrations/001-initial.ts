import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/** The first schema: registry, accounts, sessions, devices, status lists, credentials, keys, audit. */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  const serial = engine === 'postgres' ? 'bigserial' : 'integer';
  const blob = engine === 'postgres' ? 'bytea' : 'blob';
  const id = () => (c: ColumnDefinitionBuilder) =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('licences')
    .addColumn('licence_number', 'varchar(18)', (c) => c.primaryKey())
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(1)', (c) => c.notNull())
    .addColumn('issuing_authority', 'varchar(128)', (c) => c.notNull())
    .addColumn('portrait_hash', 'varchar(43)')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('licences_by_authority')
    .on('licences')
    .column('issuing_authority')
    .execute();

  await db.schema
    .createTable('drivers')
    .addColumn('id', serial, id())
    .addColumn('licence_number', 'varchar(18)', (c) =>
      c.notNull().unique().references('licences.licence_number'),
    )
    .addColumn('phone', 'varchar(20)', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff')
    .addColumn('id', serial, id())
    .addColumn('username', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('role', 'varchar(16)', (c) => c.notNull().check(sql`role in ('reviewer', 'admin')`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'varchar(43)', (c) => c.primaryKey())
    .addColumn('subject', 'varchar(8)', (c) => c.notNull())
    .addColumn('subject_id', 'bigint', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('csrf_token', 'varchar(43)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', serial, id())
    .addColumn('driver_id', 'bigint', (c) => c.notNull().references('drivers.id'))
    .addColumn('public_key', 'varchar(43)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('status_lists')
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

  await db.schema
    .createTable('credentials')
    .addColumn('jti', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('licence_number', 'varchar(18)', (c) =>
      c.notNull().references('licences.licence_number'),
    )
    .addColumn('device_id', 'bigint', (c) => c.notNull().references('devices.id'))
    .addColumn('list_id', 'integer', (c) => c.notNull().references('status_lists.id'))
    .addColumn('status_index', 'bigint', (c) => c.notNull())
    .addColumn('kid', 'varchar(43)', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'varchar(12)', (c) => c.notNull())
    .addColumn('idempotency_key', 'varchar(64)')
    .addColumn('credential', 'text', (c) => c.notNull())
    .execute();
  // At most one live credential per licence: a crash between two steps cannot leave two.
  await db.schema
    .createIndex('one_live_credential')
    .on('credentials')
    .column('licence_number')
    .unique()
    .where(sql.ref('state'), '=', 'live')
    .execute();
  await db.schema
    .createIndex('credentials_by_slot')
    .on('credentials')
    .columns(['list_id', 'status_index'])
    .execute();
  await db.schema
    .createIndex('credentials_by_idempotency_key')
    .on('credentials')
    .columns(['device_id', 'idempotency_key'])
    .unique()
    .execute();

  await db.schema
    .createTable('issuer_keys')
    .addColumn('kid', 'varchar(43)', (c) => c.primaryKey())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('last_expiry', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', serial, id())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject', 'varchar(64)', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
  await db.schema
    .createIndex('audit_by_subject')
    .on('audit_log')
    .columns(['subject', 'id'])
    .execute();
}
