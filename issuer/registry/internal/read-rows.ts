/*
 * Turns the text of a registry file into rows, each with the line a person would look at.
 * Private to issuer/registry.
 */
import { CsvError, parse, type InfoRecord } from 'csv-parse/sync';
import type { ServiceError } from '../../service-error.js';
import { licenceRecordSchema } from '../../../shared/licence/record.js';
import {
  importEmpty,
  importMalformed,
  importTooLarge,
  type ImportIssue,
} from '../import-errors.js';

/** One row of a file, not yet validated. */
export interface ImportRow {
  readonly line: number;
  readonly value: unknown;
}

/** The rows that could be read, and the problems of those that could not. */
export interface ReadRows {
  readonly rows: readonly ImportRow[];
  readonly issues: readonly ImportIssue[];
}

/** The record's field names: a CSV header names each once, in any order. */
const FIELDS: readonly string[] = Object.keys(licenceRecordSchema.shape);
/** One CSV record larger than this is not a licence record (csv-parse stops reading it). */
const MAX_CSV_RECORD = 64 * 1024;
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** A CSV number: digits only, no sign, exponent, fraction or leading zero. */
const INTEGER = /^(0|[1-9]\d{0,8})$/;

interface CsvRecord {
  readonly record: string[];
  readonly info: InfoRecord;
}

/** A leading U+FEFF (spreadsheets write one) is not part of the content. */
const withoutBom = (text: string) => (text.startsWith('\uFEFF') ? text.slice(1) : text);

/** 413 for a file of more rows than `maxRows`; `found` is their number or, uncounted, more. */
export function tooManyRows(maxRows: number, found?: number): ServiceError {
  return importTooLarge(
    `at most ${maxRows} rows`,
    found === undefined ? `more (the file was not read further)` : `${found} rows`,
  );
}

/**
 * A JSON file: an array of records, or an object whose `licences` is one (other keys, such as
 * `about` in reference-licences.json, are ignored). Row N is the Nth record.
 * @throws {ServiceError} 400 `ERR_IMPORT_MALFORMED` when it is not JSON of that shape; 413
 *   `ERR_TOO_LARGE` over `maxRows` records; 422 `ERR_IMPORT_EMPTY` with none.
 */
export function readJsonRows(text: string, maxRows: number): ReadRows {
  let value: unknown;
  try {
    value = JSON.parse(withoutBom(text));
  } catch {
    throw importMalformed('expected JSON, found text that does not parse');
  }
  const list: unknown =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>).licences
      : value;
  if (!Array.isArray(list))
    throw importMalformed(
      'expected a list of licence records, or an object with a "licences" list, found neither',
    );
  if (list.length > maxRows) throw tooManyRows(maxRows, list.length);
  if (list.length === 0) throw importEmpty('an empty list');
  return { rows: list.map((v: unknown, i) => ({ line: i + 1, value: v })), issues: [] };
}

/**
 * A CSV file (RFC 4180, comma-separated, `"` quotes): a header row naming every record field
 * once, in any order, then one row per licence. `classes` holds the classes as the card prints
 * them (`A2D`) or separated by single spaces (`A2 D`); `points` digits only. Any other cell is
 * taken as text, unchanged (no trimming). Line endings may be LF or CRLF; empty lines are
 * skipped. Each row's line is the physical line where it starts.
 * @throws {ServiceError} 400 `ERR_IMPORT_MALFORMED` when the text is not well-formed CSV; 413
 *   `ERR_TOO_LARGE` over `maxRows` rows; 422 `ERR_IMPORT_EMPTY` with a header and no row, or
 *   nothing at all.
 */
export function readCsvRows(text: string, maxRows: number): ReadRows {
  // One line ending throughout; a line break inside a cell makes the row invalid anyway.
  const normalised = withoutBom(text).replace(/\r\n?/g, '\n');
  let records: CsvRecord[];
  try {
    // With `info`, each record comes with where it was read (the typings do not say so).
    records = parse(normalised, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: '\n',
      max_record_size: MAX_CSV_RECORD,
    }) as unknown as CsvRecord[];
  } catch (error) {
    if (error instanceof CsvError) {
      // The library's message may quote the cell; its code and line do not.
      const line = (error as CsvError & { lines?: unknown }).lines;
      throw importMalformed(
        `${typeof line === 'number' ? `line ${line}: ` : ''}expected well-formed CSV (RFC 4180), found ${error.code}`,
        typeof line === 'number' ? { line } : {},
      );
    }
    throw error;
  }
  const startLine = (r: CsvRecord) =>
    // csv-parse counts to the line where the record ends; go back over line breaks in cells.
    r.info.lines - r.record.reduce((n, cell) => n + (cell.split('\n').length - 1), 0);

  const [head, ...body] = records;
  if (head === undefined) throw importEmpty('an empty file');
  const headLine = startLine(head);
  const issues: ImportIssue[] = [];
  const header = head.record;
  header.forEach((name, i) => {
    const field = SAFE_NAME.test(name) ? name : `(column ${i + 1})`;
    if (!FIELDS.includes(name))
      issues.push({
        line: headLine,
        field,
        expected: `a licence record field (${FIELDS.join(' ')})`,
        found: 'an unknown column',
      });
    else if (header.indexOf(name) !== i)
      issues.push({ line: headLine, field, expected: 'each column once', found: 'it again' });
  });
  for (const name of FIELDS)
    if (!header.includes(name))
      issues.push({
        line: headLine,
        field: name,
        expected: 'a column in the header',
        found: 'none',
      });
  if (issues.length > 0) return { rows: [], issues };
  if (body.length === 0) throw importEmpty('only the header row');
  // Counted again as parsed: the count that decides (CsvRecordCounter is a quick first look).
  if (body.length > maxRows) throw tooManyRows(maxRows, body.length);

  const rows: ImportRow[] = [];
  for (const r of body) {
    const line = startLine(r);
    if (r.record.length !== header.length) {
      issues.push({
        line,
        field: '(record)',
        expected: `${header.length} columns, as in the header`,
        found: `${r.record.length} columns`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    header.forEach((name, i) => {
      const cell = r.record[i] ?? '';
      if (name === 'classes') value[name] = cell === '' ? [] : classesOfCell(cell);
      else if (name === 'points') value[name] = INTEGER.test(cell) ? Number(cell) : cell;
      else value[name] = cell;
    });
    rows.push({ line, value });
  }
  return { rows, issues };
}

/** Classes written together as on the card: capital letters, each with a digit or none. */
const CARD_CLASSES = /^(?:[A-Z][0-9]?)+$/;

/**
 * The classes of a CSV cell: split at single spaces, and each part written as the card writes
 * classes (`A2D`) split into them (A2, D): every class is a capital letter with one digit or
 * none, so the split is unique. A part that is not so is kept whole, for the record's rules to
 * name it.
 */
function classesOfCell(cell: string): string[] {
  return cell
    .split(' ')
    .flatMap((part) => (CARD_CLASSES.test(part) ? (part.match(/[A-Z][0-9]?/g) ?? []) : [part]));
}
