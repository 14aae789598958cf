/**
 * The audit log written many rows at a time (a registry import): every entry, in order, with
 * its before and after, across several statements, on both engines.
 */
import { describe, expect, it } from 'vitest';
import { auditMany, type AuditEntry } from '../../issuer/audit/audit-log.js';
import { ENGINES } from './harness.js';
import { useService } from './use-service.js';

describe.each(ENGINES)('auditMany on %s', (engine) => {
  const service = useService(engine);

  it('when 1 201 entries are written, then each is there once, in order, as given', async () => {
    const entries: AuditEntry[] = Array.from({ length: 1201 }, (_, i) => ({
      actor: 'test',
      action: 'test.many',
      subject: `many-${i}`,
      ...(i % 2 === 0 ? { before: { n: i } } : {}),
      after: { n: i + 1 },
      at: 1000 + i,
    }));
    const { kysely } = service().deps.db;
    await kysely.transaction().execute((trx) => auditMany(trx, entries));
    const rows = await kysely
      .selectFrom('audit_log')
      .select(['subject', 'before', 'after', 'at'])
      .where('action', '=', 'test.many')
      .orderBy('id')
      .execute();
    expect(rows).toEqual(
      entries.map((e) => ({
        subject: e.subject,
        before: e.before === undefined ? null : JSON.stringify(e.before),
        after: JSON.stringify(e.after),
        at: e.at,
      })),
    );
  });
});
