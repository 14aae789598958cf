import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

/** One audited change: who, when, what, to which subject, the state before and after. */
export interface AuditEntry {
  /** `staff:7`, `driver:12`, `system`, `cli`. */
  readonly actor: string;
  readonly action: string;
  /** What changed: a licence number, `staff:3`, `key:<kid>`. */
  readonly subject: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly at: number;
}

/**
 * Appends to the audit log, inside the caller's transaction so that a change and its record
 * commit together. Nothing updates or deletes audit rows.
 */
export async function audit(
  db: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
): Promise<void> {
  await db.insertInto('audit_log').values(rowOf(entry)).execute();
}

/** Rows per insert of {@link auditMany}: 6 parameters each, far below either engine's limit. */
const AUDIT_CHUNK = 500;

/** Appends many entries in order, a few hundred rows per statement (a registry import). */
export async function auditMany(
  db: Kysely<Database> | Transaction<Database>,
  entries: readonly AuditEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += AUDIT_CHUNK) {
    await db
      .insertInto('audit_log')
      .values(entries.slice(i, i + AUDIT_CHUNK).map(rowOf))
      .execute();
  }
}

function rowOf(entry: AuditEntry) {
  return {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
  };
}
