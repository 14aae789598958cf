import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/** E-licence applications (docs/DOMAIN.md §1.3: the three photo paths) and the driver's inbox. */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  const serial = engine === 'postgres' ? 'bigserial' : 'integer';
  const blob = engine === 'postgres' ? 'bytea' : 'blob';
  const id = () => (c: ColumnDefinitionBuilder) =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('applications')
    .addColumn('id', serial, id())
    .addColumn('driver_id', 'bigint', (c) => c.notNull().references('drivers.id'))
    .addColumn('licence_number', 'varchar(18)', (c) =>
      c.notNull().references('licences.licence_number'),
    )
    .addColumn('path', 'varchar(8)', (c) =>
      c.notNull().check(sql`path in ('stored', 'camera', 'album')`),
    )
    .addColumn('state', 'varchar(20)', (c) => c.notNull())
    .addColumn('photo_hash', 'varchar(43)')
    .addColumn('photo', blob)
    .addColumn('precheck', 'text')
    .addColumn('submitted_at', 'bigint')
    .addColumn('deadline', 'bigint')
    .addColumn('decided_at', 'bigint')
    .addColumn('reviewer_id', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('applications_by_driver')
    .on('applications')
    .columns(['driver_id', 'id'])
    .execute();
  await db.schema
    .createIndex('applications_by_state')
    .on('applications')
    .columns(['state', 'deadline'])
    .execute();

  await db.schema
    .createTable('inbox')
    .addColumn('id', serial, id())
    .addColumn('driver_id', 'bigint', (c) => c.notNull().references('drivers.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema.createIndex('inbox_by_driver').on('inbox').columns(['driver_id', 'id']).execute();
}
