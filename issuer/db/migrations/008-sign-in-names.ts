import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { hasTable } from './internal/has-table.js';

/**
 * Failed sign-ins are counted per sign-in name (a licence number, a phone number, a staff
 * username), whether an account has that name or not, so that a refusal may say how many tries
 * remain and until when a name is locked without telling whether an account exists
 * (docs/THREATS.md). The counts move from `drivers` and `staff` to `sign_in_failures`, keyed by
 * a hash of the name; a lock in force at the upgrade is carried over to every name of its
 * account.
 */
// Migrations are frozen in time: they must not follow the current schema types, nor the code's
// way of naming a key (the hash is written out here).
export async function up(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  if (await hasTable(db, engine, 'sign_in_failures')) return;
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('name_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sign_in_failures_last_failure_at')
    .on('sign_in_failures')
    .column('last_failure_at')
    .execute();

  const key = (kind: string, name: string) =>
    createHash('sha256').update(`${kind}\u0000${name}`).digest('hex');
  const drivers = await sql<{ licence_number: string | null; phone: string; locked_until: number }>`
    select licence_number, phone, locked_until from drivers where locked_until > 0`.execute(db);
  const staff = await sql<{ username: string; locked_until: number }>`
    select username, locked_until from staff where locked_until > 0`.execute(db);
  const locks = [
    ...drivers.rows.flatMap((d) => [
      ...(d.licence_number === null ? [] : [[key('driver', d.licence_number), d.locked_until]]),
      [key('phone', d.phone), d.locked_until],
    ]),
    ...staff.rows.map((s) => [key('staff', s.username), s.locked_until]),
  ] as const;
  for (const [nameHash, lockedUntil] of locks)
    await sql`insert into sign_in_failures (name_hash, failures, locked_until, last_failure_at)
      values (${nameHash}, 0, ${Number(lockedUntil)}, ${Number(lockedUntil)})`.execute(db);

  // One column a statement: SQLite's ALTER TABLE takes one change at a time.
  for (const table of ['drivers', 'staff'])
    for (const column of ['failed_sign_ins', 'locked_until'])
      await db.schema.alterTable(table).dropColumn(column).execute();
}
