import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import * as initial from './migrations/001-initial.js';

type Step = { up(db: Kysely<unknown>, engine: Db['engine']): Promise<void> };

/** Every migration, in order. A migration, once released, never changes. */
const STEPS: ReadonlyArray<readonly [string, Step]> = [['001-initial', initial]];

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
            { up: (k: Kysely<unknown>) => step.up(k, db.engine) },
          ]),
        ),
      ),
  };
  const { error, results } = await new Migrator({ db: db.kysely, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      { cause: error },
    );
  }
}
