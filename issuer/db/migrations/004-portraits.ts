import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/**
 * The portraits the credentials' `ph` hashes name (registry photos and issued applications'
 * photos), and the police verifier devices allowed to fetch them with a bearer token.
 */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  const serial = engine === 'postgres' ? 'bigserial' : 'integer';
  const blob = engine === 'postgres' ? 'bytea' : 'blob';
  const id = () => (c: ColumnDefinitionBuilder) =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  // One current portrait per licence: a new photo replaces the old one.
  await db.schema
    .createTable('portraits')
    .addColumn('licence_number', 'varchar(18)', (c) =>
      c.primaryKey().references('licences.licence_number'),
    )
    .addColumn('photo', blob, (c) => c.notNull())
    .addColumn('hash', 'varchar(43)', (c) => c.notNull())
    .addColumn('source', 'varchar(12)', (c) =>
      c.notNull().check(sql`source in ('registry', 'application')`),
    )
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('verifier_devices')
    .addColumn('id', serial, id())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    // SHA-256 of the device's bearer token: the token itself is shown once and never stored.
    .addColumn('token_hash', 'varchar(43)', (c) => c.notNull().unique())
    .addColumn('created_by', 'bigint', (c) => c.notNull().references('staff.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
}
