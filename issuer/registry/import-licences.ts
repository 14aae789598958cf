import { chinaDate } from '../../shared/china-time.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { LicenceValidationError, parseLicenceRecord } from '../../shared/licence/validate.js';
import { auditMany, type AuditEntry } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { applyChange } from '../lifecycle/apply-change.js';
import { planChanges, sameRecord } from '../lifecycle/plan-changes.js';
import type { LicenceChange } from '../lifecycle/transitions.js';
import {
  ImportInvalidError,
  importMalformed,
  importTooLarge,
  lineUnit,
  type ImportFormat,
  type ImportIssue,
} from './import-errors.js';
import { CsvRecordCounter } from './internal/csv-record-counter.js';
import { readCsvRows, readJsonRows, tooManyRows } from './internal/read-rows.js';

/** Most rows one file may hold. */
export const MAX_IMPORT_ROWS = 100_000;
/** Largest file, in bytes of UTF-8. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Rows read or inserted per statement (well under both engines' bound-parameter limits). */
const CHUNK = 500;
/** Kept in the audit log with each lifecycle change an import makes. */
const IMPORT_REASON = 'registry import';

/** What an import did. */
export interface ImportSummary {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** A registry file and who imports it (`staff:7`, `cli`). */
export interface ImportRequest {
  readonly format: ImportFormat;
  /** The file: text, or bytes that must be UTF-8. */
  readonly text: string | Uint8Array;
  readonly actor: string;
}

/**
 * Imports licence records into the registry, all or nothing.
 *
 * Formats:
 * - `json`: an array of licence records, or an object with a `licences` array (the shape of
 *   test/fixtures/reference-licences.json; its other keys are ignored). Rows are numbered by
 *   record, from 1.
 * - `csv`: RFC 4180, a header row with the record's field names in any order, one licence a
 *   row. `classes` as the card prints them (`A2D`) or space-separated (`A2 D`), `points` is
 *   digits only (anything else is reported, never coerced), `validTo` a date or `long-term`.
 *   Rows are numbered by the physical line where they start; line 1 is the header.
 *
 * A leading byte order mark is ignored in both.
 *
 * Every row is validated with parseLicenceRecord, and every licence number must appear once. If
 * any row is wrong, nothing is applied and every issue of every row is reported. Otherwise one
 * transaction inserts the new licences (version 1) and brings each changed licence to the file's
 * record through the lifecycle, exactly as staff would by hand (see planChanges: amend, renew,
 * points, suspend / revoke / cancel / restore), which also moves the status list entries of its
 * e-licences. A change the lifecycle does not allow (e.g. F → A) is reported like an invalid
 * row, and again nothing is applied. Each row applied is audited as `registry.import.insert` or
 * `registry.import.update`, subject the licence number, with `{version, record}` before and
 * after.
 *
 * @throws {ImportInvalidError} 422 `ERR_IMPORT_INVALID` with `errors: [{line, field, expected,
 *   found}]`, free of personal data.
 * @throws {ServiceError} 400 `ERR_IMPORT_MALFORMED` when the file is not UTF-8 or not JSON / CSV;
 *   413 `ERR_TOO_LARGE` over {@link MAX_IMPORT_BYTES} bytes or {@link MAX_IMPORT_ROWS} rows (a
 *   CSV file's rows are counted before any is parsed); 422 `ERR_IMPORT_EMPTY` when it holds no
 *   licence row.
 */
export async function importLicences(
  deps: Pick<ServiceDeps, 'db' | 'statusLists' | 'now'>,
  request: ImportRequest,
): Promise<ImportSummary> {
  const { format, actor } = request;
  const bytes = typeof request.text === 'string' ? Buffer.from(request.text, 'utf8') : request.text;
  if (bytes.byteLength > MAX_IMPORT_BYTES)
    throw importTooLarge(`at most ${MAX_IMPORT_BYTES} bytes`, `${bytes.byteLength} bytes`);
  // A CSV file's records are counted before it is decoded or parsed (parsing costs some 30 µs
  // a row): a file over the limit is refused without either.
  if (format === 'csv') {
    const records = new CsvRecordCounter();
    records.push(bytes);
    // The header, then the rows.
    if (records.records > MAX_IMPORT_ROWS + 1)
      throw tooManyRows(MAX_IMPORT_ROWS, records.records - 1);
  }
  const text = decode(bytes);
  const read =
    format === 'json' ? readJsonRows(text, MAX_IMPORT_ROWS) : readCsvRows(text, MAX_IMPORT_ROWS);

  const issues: ImportIssue[] = [...read.issues];
  const records: { line: number; record: LicenceRecord }[] = [];
  const firstLine = new Map<string, number>();
  for (const row of read.rows) {
    try {
      records.push({ line: row.line, record: parseLicenceRecord(row.value) });
    } catch (error) {
      if (!(error instanceof LicenceValidationError)) throw error;
      issues.push(...error.issues.map((i) => ({ line: row.line, ...i })));
    }
    const number = (row.value as { licenceNumber?: unknown } | null)?.licenceNumber;
    if (typeof number === 'string') {
      const first = firstLine.get(number);
      if (first === undefined) firstLine.set(number, row.line);
      else
        issues.push({
          line: row.line,
          field: 'licenceNumber',
          expected: 'each licence number once in the file',
          found: `the same licence number as ${lineUnit(format)} ${first}`,
        });
    }
  }
  if (issues.length > 0) throw new ImportInvalidError(format, sortByLine(issues));

  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.now();
    const today = chinaDate(new Date(now * 1000));
    const existing = new Map<string, { record: LicenceRecord; version: number }>();
    for (let i = 0; i < records.length; i += CHUNK) {
      const numbers = records.slice(i, i + CHUNK).map((r) => r.record.licenceNumber);
      let query = trx
        .selectFrom('licences')
        .select(['licence_number', 'record', 'version'])
        .where('licence_number', 'in', numbers);
      if (deps.db.engine === 'postgres') query = query.forUpdate();
      for (const row of await query.execute())
        existing.set(row.licence_number, {
          record: parseLicenceRecord(JSON.parse(row.record)),
          version: row.version,
        });
    }

    const inserts: LicenceRecord[] = [];
    const updates: {
      record: LicenceRecord;
      before: { record: LicenceRecord; version: number };
      changes: readonly LicenceChange[];
    }[] = [];
    let unchanged = 0;
    for (const { line, record } of records) {
      const before = existing.get(record.licenceNumber);
      if (before === undefined) inserts.push(record);
      else if (sameRecord(before.record, record)) unchanged++;
      else {
        const plan = planChanges(before.record, record, today);
        if (plan.ok) updates.push({ record, before, changes: plan.changes });
        else issues.push(...plan.issues.map((i) => ({ line, ...i })));
      }
    }
    // Thrown inside the transaction: it rolls back (nothing has been written yet anyway).
    if (issues.length > 0) throw new ImportInvalidError(format, sortByLine(issues));

    for (let i = 0; i < inserts.length; i += CHUNK) {
      await trx
        .insertInto('licences')
        .values(
          inserts.slice(i, i + CHUNK).map((r) => ({
            licence_number: r.licenceNumber,
            record: JSON.stringify(r),
            status: r.status,
            issuing_authority: r.issuingAuthority,
            portrait_hash: null,
            version: 1,
            updated_at: now,
          })),
        )
        .execute();
    }
    await auditMany(
      trx,
      inserts.map((r) => ({
        actor,
        action: 'registry.import.insert',
        subject: r.licenceNumber,
        after: { version: 1, record: r },
        at: now,
      })),
    );

    // Each change through the lifecycle, as staff would make it, from the row read (and locked)
    // above; the audit rows of the changes, then the import's own, in a few statements.
    const changes: AuditEntry[] = [];
    const imported: AuditEntry[] = [];
    for (const u of updates) {
      let current = { licence: u.before.record, version: u.before.version };
      for (const change of u.changes)
        current = await applyChange(
          deps,
          trx,
          u.record.licenceNumber,
          { ...change, reason: IMPORT_REASON },
          actor,
          { current, audits: changes },
        );
      imported.push({
        actor,
        action: 'registry.import.update',
        subject: u.record.licenceNumber,
        before: u.before,
        after: { version: current.version, record: u.record },
        at: now,
      });
    }
    await auditMany(trx, [...changes, ...imported]);
    return { inserted: inserts.length, updated: updates.length, unchanged };
  });
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw importMalformed('expected UTF-8 text, found bytes that are not');
  }
}

/** Issues by line, each row's in the order found (Array.prototype.sort is stable). */
function sortByLine(issues: ImportIssue[]): ImportIssue[] {
  return issues.sort((a, b) => a.line - b.line);
}
