/**
 * Prepared queries on both engines: compiled once, each run with its own values, and a build
 * that would bake a value into the SQL (or leave one out) refused at once.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepared } from '../../issuer/db/prepared.js';
import type { Database } from '../../issuer/db/schema.js';
import { ENGINES, startService, type TestService } from './harness.js';

const auditOf = prepared(
  ['subject', 'after'],
  (db: Kysely<Database>, args: { subject: string; after: number }) =>
    db
      .selectFrom('audit_log')
      .select(['action', 'at'])
      .where('subject', '=', args.subject)
      .where('at', '>', args.after)
      .where('action', '!=', 'never.this')
      .orderBy('at'),
);

describe.each(ENGINES)('prepared queries on %s', (engine) => {
  let service: TestService;
  let db: Kysely<Database>;

  beforeAll(async () => {
    service = await startService(engine);
    db = service.deps.db.kysely;
    const rows = [
      { subject: 'prepared-a', action: 'one', at: 100 },
      { subject: 'prepared-a', action: 'two', at: 200 },
      { subject: 'prepared-b', action: 'three', at: 300 },
    ];
    for (const row of rows) {
      await db
        .insertInto('audit_log')
        .values({ actor: 'test', before: null, after: null, ...row })
        .execute();
    }
  });
  afterAll(async () => {
    await service.close();
  });

  it('when run again with other values, then each run answers for its own values', async () => {
    expect(await auditOf(db, { subject: 'prepared-a', after: 0 })).toEqual([
      { action: 'one', at: 100 },
      { action: 'two', at: 200 },
    ]);
    expect(await auditOf(db, { subject: 'prepared-a', after: 100 })).toEqual([
      { action: 'two', at: 200 },
    ]);
    expect(await auditOf(db, { subject: 'prepared-b', after: 0 })).toEqual([
      { action: 'three', at: 300 },
    ]);
    expect(await auditOf(db, { subject: 'prepared-c', after: 0 })).toEqual([]);
  });

  it('when the build leaves a value out, then the first run says which', async () => {
    const leaves = prepared(
      ['subject', 'at'],
      (k: Kysely<Database>, args: { subject: string; at: number }) =>
        k.selectFrom('audit_log').select('id').where('subject', '=', args.subject),
    );
    await expect(leaves(db, { subject: 'x', at: 1 })).rejects.toThrow(
      /prepared query: expected every value as a parameter, found at unused/,
    );
  });

  it('when the build writes a value into the SQL text, then the first run refuses it', async () => {
    const inlines = prepared(['subject'], (k: Kysely<Database>, args: { subject: string }) =>
      k
        .selectFrom('audit_log')
        .select('id')
        .where('subject', '=', args.subject)
        .where(sql<boolean>`${sql.raw(args.subject)} = 'x'`),
    );
    await expect(inlines(db, { subject: 'x' })).rejects.toThrow(/found one in the SQL text/);
  });
});
