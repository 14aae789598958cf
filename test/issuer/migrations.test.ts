/**
 * Migrations on both engines: an index an operator built beforehand (CREATE INDEX CONCURRENTLY
 * on a large PostgreSQL database, OPERATIONS.md §1) does not make its migration fail.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../issuer/db/migrate.js';
import { ENGINES, startService, type TestService } from './harness.js';

describe.each(ENGINES)('migrations on %s', (engine) => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService(engine);
  });
  afterAll(async () => {
    await service.close();
  });

  it('when the indexes of 005 exist before it runs, then it runs and records itself', async () => {
    const { kysely } = service.deps.db;
    // As before the upgrade, with the indexes already built by hand.
    await sql`delete from kysely_migration where name = '005-lookup-indexes'`.execute(kysely);
    await migrate(service.deps.db);
    const { rows } = await sql<{
      name: string;
    }>`select name from kysely_migration where name = '005-lookup-indexes'`.execute(kysely);
    expect(rows.map((r) => r.name)).toEqual(['005-lookup-indexes']);
  });
});
