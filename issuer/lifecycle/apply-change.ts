import type { Transaction } from 'kysely';
import { chinaDate } from '../../shared/china-time.js';
import { isValidForDriving } from '../../shared/licence/codes.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { STATUS } from '../../shared/status-list.js';
import { REASON_OF_STATUS } from '../../shared/usability.js';
import { audit, type AuditEntry } from '../audit/audit-log.js';
import type { Database } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { endSlotsOfLicence, setHeldEntry } from '../credentials/credential-states.js';
import { notFound } from '../service-error.js';
import { nextRecord, supersedes, type LicenceChange } from './transitions.js';

/** A licence after a change. */
export interface ChangedLicence {
  readonly licence: LicenceRecord;
  /** The registry row's version after the change. */
  readonly version: number;
}

/**
 * The status list value of an e-licence whose licence has `status`: A valid; a status whose
 * reason is revoked or cancelled (F, E, G, R: shared/usability.ts) invalid; every other status
 * (D, B, M, U, …) suspended, since only A is valid for driving and a suspension can be lifted.
 */
export function listValueOf(
  status: LicenceRecord['status'],
): typeof STATUS.VALID | typeof STATUS.INVALID | typeof STATUS.SUSPENDED {
  if (isValidForDriving(status)) return STATUS.VALID;
  const reason = REASON_OF_STATUS[status];
  return reason === 'revoked' || reason === 'cancelled' ? STATUS.INVALID : STATUS.SUSPENDED;
}

/**
 * Applies one lifecycle change to a licence inside the caller's transaction: checks it against
 * the transition table, validates the new record, writes it (version + 1, `updated_at`), moves
 * the status list entries of the licence's e-licences (credentials/credential-states.ts), and
 * audits `licence.<action>` with `{version, record}` before and `{version, record, reason?}`
 * after.
 *
 * Status list effects: a new status of A sets the held entry (the live credential's) to VALID,
 * a suspended status (D, B, M, U, …) to SUSPENDED; a revoked or cancelled one (F, E, G, R) ends
 * every slot of the licence as revoked (INVALID); renew, replace and amend end them as
 * superseded, so the next issuance allocates a new index. An ended slot is never written again.
 * A change that keeps the status (points below 12) leaves the entries alone.
 *
 * @param batch for many changes in one transaction (a registry import): `current`, the licence as
 *   this transaction already read it (on PostgreSQL, `for update`) or last changed it, else it is
 *   read and locked here; `audits`, where the audit entry goes for the caller to write in this
 *   transaction, else it is written here.
 * @throws {ServiceError} 404 `ERR_NOT_FOUND` for an unknown licence; 409
 *   `ERR_ILLEGAL_TRANSITION` when the table does not allow the change.
 * @throws {LicenceValidationError} `ERR_LICENCE_INVALID` when the changed record is not valid.
 */
export async function applyChange(
  deps: Pick<ServiceDeps, 'db' | 'statusLists' | 'now'>,
  trx: Transaction<Database>,
  licenceNumber: string,
  change: LicenceChange,
  actor: string,
  batch: { readonly current?: ChangedLicence; readonly audits?: AuditEntry[] } = {},
): Promise<ChangedLicence> {
  const row = batch.current ?? (await currentRow(deps, trx, licenceNumber));
  const now = deps.now();
  const before = row.licence;
  const after = parseLicenceRecord(nextRecord(before, change, chinaDate(new Date(now * 1000))));
  const version = row.version + 1;

  await trx
    .updateTable('licences')
    .set({
      record: JSON.stringify(after),
      status: after.status,
      issuing_authority: after.issuingAuthority,
      version,
      updated_at: now,
    })
    .where('licence_number', '=', licenceNumber)
    .execute();

  if (supersedes(change)) {
    await endSlotsOfLicence(deps, trx, licenceNumber, 'supersede');
  } else if (after.status !== before.status) {
    const value = listValueOf(after.status);
    if (value === STATUS.INVALID) await endSlotsOfLicence(deps, trx, licenceNumber, 'revoke');
    else await setHeldEntry(deps, trx, licenceNumber, value);
  }

  const entry: AuditEntry = {
    actor,
    action: `licence.${change.action}`,
    subject: licenceNumber,
    before: { version: row.version, record: before },
    after: {
      version,
      record: after,
      ...(change.reason === undefined ? {} : { reason: change.reason }),
    },
    at: now,
  };
  if (batch.audits === undefined) await audit(trx, entry);
  else batch.audits.push(entry);
  return { licence: after, version };
}

async function currentRow(
  deps: Pick<ServiceDeps, 'db'>,
  trx: Transaction<Database>,
  licenceNumber: string,
): Promise<ChangedLicence> {
  let query = trx
    .selectFrom('licences')
    .select(['record', 'version'])
    .where('licence_number', '=', licenceNumber);
  // PostgreSQL: two changes to one licence wait for each other (SQLite has one writer anyway).
  if (deps.db.engine === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row === undefined) throw notFound('licence');
  return { licence: parseLicenceRecord(JSON.parse(row.record)), version: row.version };
}
