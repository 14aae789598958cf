import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import * as initial from './migrations/001-initial.js';
import * as push from './migrations/002-push.js';
import * as applications from './migrations/003-applications.js';
import * as portraits from './migrations/004-portraits.js';
import * as lookupIndexes from './migrations/005-lookup-indexes.js';
import * as endedSlots from './migrations/006-ended-slots.js';
import * as enrolment from './migrations/007-enrolment.js';
import * as signInNames from './migrations/008-sign-in-names.js';
import * as holderCopies from './migrations/009-holder-copies.js';
import * as verifierCertificates from './migrations/010-verifier-certificates.js';
import * as staffAdmin from './migrations/011-staff-admin.js';

type Step = {
  up(
    db: Kysely<unknown>,
    engine: Db['engine'],
    allowSchemaEdit?: (on: boolean) => void,
  ): Promise<void>;
};

/**
 * Every migration, in order. A migration, once released, never changes. From 005 on, each may run
 * again on a schema it already brought up to date (an operator may have built its indexes
 * beforehand; test/issuer/migrations.test.ts runs them twice).
 */
const STEPS: ReadonlyArray<readonly [string, Step]> = [
  ['001-initial', initial],
  ['002-push', push],
  ['003-applications', applications],
  ['004-portraits', portraits],
  ['005-lookup-indexes', lookupIndexes],
  ['006-ended-slots', endedSlots],
  ['007-enrolment', enrolment],
  ['008-sign-in-names', signInNames],
  ['009-holder-copies', holderCopies],
  ['010-verifier-certificates', verifierCertificates],
  ['011-staff-admin', staffAdmin],
];

/**
 * Brings the schema up to date, each migration in its own transaction.
 * @throws {Error} naming the migration that failed.
 */
export async function migrate(db: Db): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: () =>
      Promise.resolve(
        Object.fromEntries(
          STEPS.map(([name, step]): [string, Migration] => [
            name,
            { up: (k: Kysely<unknown>) => step.up(k, db.engine, db.allowSchemaEdit) },
          ]),
        ),
      ),
  };
  // On PostgreSQL, Kysely looks for its own tables in any schema unless told which: name the
  // current one, so that each schema (tests run one per service) keeps its own migrations.
  const migrationTableSchema =
    db.engine === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely))
          .rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: db.kysely,
    provider,
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      { cause: error },
    );
  }
}
