import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

/** Web Push subscriptions: one row per browser a driver subscribed (the endpoint is unique). */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  const serial = engine === 'postgres' ? 'bigserial' : 'integer';
  const id = () => (c: ColumnDefinitionBuilder) =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', serial, id())
    .addColumn('driver_id', 'bigint', (c) => c.notNull().references('drivers.id'))
    // A capability URL chosen by the push service: unique, and never logged whole.
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'varchar(100)', (c) => c.notNull())
    .addColumn('auth', 'varchar(30)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // Consecutive failed notifications; a success resets it, the third prunes the row.
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_failure_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('push_subscriptions_by_driver')
    .on('push_subscriptions')
    .column('driver_id')
    .execute();
}
