/** Validating a licence record, with errors that never print personal data. */
import type { z } from 'zod';
import { LicenceError } from '../errors.js';
import { codePointLength, quoteIfSafe } from './internal/describe.js';
import {
  FIELD_EXPECTED,
  licenceRecordSchema,
  partialLicenceRecordSchema,
  PERSONAL_FIELDS,
  type LicenceRecord,
} from './record.js';

/** One problem with one field: what was expected and what was found, free of personal data. */
export interface LicenceFieldIssue {
  /** The field, e.g. `licenceNumber` or `classes[0]`; `(record)` for the record itself. */
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

/**
 * A licence record failed validation. `message` lists every issue as
 * `field: expected X, found Y`; neither it nor `issues` contains an ID number, a name or an
 * address, so both are safe to log.
 */
export class LicenceValidationError extends LicenceError {
  /** Every issue found, in field order, then the cross-field issues. */
  readonly issues: readonly LicenceFieldIssue[];

  /** @param issues at least one issue. */
  constructor(issues: readonly LicenceFieldIssue[], options?: { cause?: unknown }) {
    const list = issues.map((i) => `${i.field}: expected ${i.expected}, found ${i.found}`);
    super('ERR_LICENCE_INVALID', `invalid licence record: ${list.join('; ')}`, options);
    this.issues = Object.freeze(issues.map((i) => Object.freeze({ ...i })));
  }
}

/**
 * Validates `value` as a {@link LicenceRecord}.
 *
 * @returns the record, as a new object.
 * @throws {LicenceValidationError} `ERR_LICENCE_INVALID`, listing every issue, when `value` is not
 *   a valid licence record.
 */
export function parseLicenceRecord(value: unknown): LicenceRecord {
  const result = licenceRecordSchema.safeParse(value);
  if (result.success) return result.data;
  // zod's own error is not kept as `cause`: its issues may quote the input.
  throw new LicenceValidationError(
    result.error.issues.flatMap((issue) => toFieldIssues(issue, value)),
  );
}

/**
 * Validates `value` as some fields of a {@link LicenceRecord}: every field present by its rule,
 * every cross-field rule whose fields are all present.
 *
 * @returns the fields, as a new object.
 * @throws {LicenceValidationError} `ERR_LICENCE_INVALID`, listing every issue.
 */
export function parsePartialLicenceRecord(value: unknown): Partial<LicenceRecord> {
  const result = partialLicenceRecordSchema.safeParse(value);
  // A member that is present is never undefined: the values come from JSON.
  if (result.success) return result.data as Partial<LicenceRecord>;
  throw new LicenceValidationError(
    result.error.issues.flatMap((issue) => toFieldIssues(issue, value)),
  );
}

/** Maps a zod issue to ours. zod's message is never used: it may quote personal data. */
function toFieldIssues(issue: z.core.$ZodIssue, input: unknown): LicenceFieldIssue[] {
  if (issue.code === 'unrecognized_keys') {
    const parent = fieldName(issue.path);
    return issue.keys.map((key) => ({
      field: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key)
        ? parent === '(record)'
          ? key
          : `${parent}.${key}`
        : '(unknown field)',
      expected: 'no such field (unknown fields are rejected)',
      found: 'an unknown field',
    }));
  }
  const field = fieldName(issue.path);
  if (issue.code === 'custom') {
    const expected: unknown = issue.params?.['expected'];
    const found: unknown = issue.params?.['found'];
    if (typeof expected === 'string' && typeof found === 'string') {
      return [{ field, expected, found }];
    }
  }
  const key = issue.path.map((p) => (typeof p === 'number' ? '[]' : String(p))).join('');
  const top = issue.path[0];
  const personal = typeof top === 'string' && PERSONAL_FIELDS.has(top);
  const expected = Object.hasOwn(FIELD_EXPECTED, key)
    ? FIELD_EXPECTED[key as keyof typeof FIELD_EXPECTED]
    : 'a valid value';
  return [{ field, expected, found: describe(valueAt(input, issue.path), personal) }];
}

function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(record)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** What was found, without quoting anything personal. */
function describe(value: unknown, personal: boolean): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return personal ? `a string of ${codePointLength(value)} characters` : quoteIfSafe(value);
  }
  if (typeof value === 'number') {
    const s = String(value);
    return !personal && Number.isFinite(value) && s.length <= 12 ? s : 'a number';
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.length === 0 ? 'an empty list' : `a list of ${value.length} items`;
  }
  return typeof value === 'object' ? 'an object' : typeof value;
}
