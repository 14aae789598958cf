import type { ServiceDeps } from '../deps.js';

/** One audit entry as the API shows it: before and after parsed back from JSON. */
export interface AuditView {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Most entries one request returns; page on with `afterId`. */
export const AUDIT_PAGE_MAX = 1000;

/**
 * The audit entries of one subject (a licence number, `staff:3`, …), oldest first, after entry
 * `afterId` when given.
 *
 * @throws {RangeError} when `limit` is not an integer 1–{@link AUDIT_PAGE_MAX}.
 */
export async function listAudit(
  deps: Pick<ServiceDeps, 'db'>,
  query: { subject: string; afterId?: number; limit?: number },
): Promise<AuditView[]> {
  const limit = query.limit ?? AUDIT_PAGE_MAX;
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX)
    throw new RangeError(`limit: expected an integer 1-${AUDIT_PAGE_MAX}, found ${limit}`);
  const rows = await deps.db.kysely
    .selectFrom('audit_log')
    .selectAll()
    .where('subject', '=', query.subject)
    .where('id', '>', query.afterId ?? 0)
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  }));
}
