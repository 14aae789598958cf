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
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}
