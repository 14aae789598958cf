import { sql, type Kysely } from 'kysely';

/**
 * Credentials of format version 2 (docs/FORMAT.md §8): beside the compact JWS, each credential
 * row keeps the holder's copy (`credentials.holder_copy`: the JWS, the seed of its salts and the
 * six group values, §8.4) that the phone presents from, so that an idempotent replay, a still
 * current credential and `GET /api/me/credential` hand the phone the same copy again. Null on
 * the rows of version 1 credentials issued before: they have no copy, and the service treats a
 * live one as due for replacement (the next refresh, or `liangzheng keys reissue`, signs a
 * version 2 credential in its slot).
 */
// Migrations are frozen in time: they must not follow the current schema types.
export async function up(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  // Found there, it has run (the migration tests run the steps from 005 on again).
  const { rows } =
    engine === 'postgres'
      ? await sql`select 1 from information_schema.columns
          where table_schema = current_schema() and table_name = 'credentials'
            and column_name = 'holder_copy'`.execute(db)
      : await sql`select 1 from pragma_table_info('credentials')
          where name = 'holder_copy'`.execute(db);
  if (rows.length > 0) return;
  await db.schema.alterTable('credentials').addColumn('holder_copy', 'text').execute();
}
