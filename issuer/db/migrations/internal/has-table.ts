import { sql, type Kysely } from 'kysely';

/**
 * Whether the schema being migrated has table `name`: on PostgreSQL the current schema only
 * (Kysely's introspection lists the tables of every schema, and another schema of the same
 * database, such as another service's or another test's, says nothing about this one).
 */
export async function hasTable(
  db: Kysely<unknown>,
  engine: 'sqlite' | 'postgres',
  name: string,
): Promise<boolean> {
  const { rows } =
    engine === 'postgres'
      ? await sql`select 1 from information_schema.tables
          where table_schema = current_schema() and table_name = ${name}`.execute(db)
      : await sql`select 1 from sqlite_master where type = 'table' and name = ${name}`.execute(db);
  return rows.length > 0;
}
