/**
 * The driving licence record (中华人民共和国机动车驾驶证, docs/DOMAIN.md §2): its classes and status
 * codes, a strict zod schema, validation with messages that never print personal data, and a
 * mapping to ISO/IEC 18013-5 mDL data elements.
 */
import { z } from 'zod';
import { LicenceError } from './errors.js';
import { CONTROL_CHARACTER, LONE_SURROGATE } from './text.js';

/** Permitted vehicle classes (准驾车型), in the order printed on the licence. */
export const LICENCE_CLASSES = [
  'A1',
  'A2',
  'A3',
  'B1',
  'B2',
  'C1',
  'C2',
  'C3',
  'C4',
  'C5',
  'C6',
  'D',
  'E',
  'F',
  'M',
  'N',
  'P',
] as const;

/** One permitted vehicle class, e.g. `'C1'`. */
export type LicenceClass = (typeof LICENCE_CLASSES)[number];

/**
 * Driving licence status codes (驾驶证状态), GA/T 16.25, with Chinese and English labels.
 *
 * The list is to be confirmed against the text of GA/T 16.25 (docs/DOMAIN.md §2.3 marks it
 * unconfirmed); it lives only here, so a correction is a one-place change.
 */
export const LICENCE_STATUS = {
  A: { zh: '正常', en: 'normal' },
  B: { zh: '超分', en: 'points exceeded' },
  C: { zh: '转出', en: 'transferred out' },
  D: { zh: '暂扣', en: 'temporarily seized' },
  E: { zh: '撤销', en: 'withdrawn' },
  F: { zh: '吊销', en: 'revoked' },
  G: { zh: '注销', en: 'cancelled' },
  H: { zh: '违法未处理', en: 'violation unprocessed' },
  I: { zh: '事故未处理', en: 'accident unprocessed' },
  J: { zh: '停止使用', en: 'stopped' },
  K: { zh: '协查', en: 'under investigation' },
  L: { zh: '锁定', en: 'locked' },
  M: { zh: '逾期未换证', en: 'renewal overdue' },
  N: { zh: '延期换证', en: 'renewal deferred' },
  P: { zh: '延期体检', en: 'medical deferred' },
  R: { zh: '注销可恢复', en: 'cancelled (recoverable)' },
  S: { zh: '逾期未审验', en: 'inspection overdue' },
  T: { zh: '延期审验', en: 'inspection deferred' },
  U: { zh: '扣留', en: 'detained' },
  Z: { zh: '其他', en: 'other' },
} as const satisfies Readonly<Record<string, { readonly zh: string; readonly en: string }>>;

/** A GA/T 16.25 status code letter, e.g. `'A'` (正常 normal). */
export type LicenceStatusCode = keyof typeof LICENCE_STATUS;

const LICENCE_STATUS_CODES = Object.keys(LICENCE_STATUS) as [
  LicenceStatusCode,
  ...LicenceStatusCode[],
];

/**
 * Whether a licence with this status may be used for driving. Only `A` (正常 normal) is; every
 * other status (points exceeded, seized, overdue, …) is not (docs/DOMAIN.md §2.3, §2.5).
 */
export function isValidForDriving(status: LicenceStatusCode): boolean {
  return status === 'A';
}

/**
 * Points per 12-month scoring cycle at which a licence stops being valid for driving (记满 12
 * 分), and the most a record can hold. The one place this number is written.
 */
export const POINTS_LIMIT = 12;
/** Maximum lengths, in Unicode code points, of the free-text fields. */
const NAME_MAX = 64;
const ADDRESS_MAX = 128;
const AUTHORITY_MAX = 64;
/** `validTo` of a licence with no end date (有效期限 长期). */
const LONG_TERM = 'long-term';

// ---------------------------------------------------------------------------------------------
// Citizen ID number (GB 11643-1999)
// ---------------------------------------------------------------------------------------------

/** GB 11643 §5.2 / ISO 7064 MOD 11-2 weights: 2^(17−i) mod 11 for positions i = 0…16. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for each weighted sum mod 11 (GB 11643 §5.2; 10 is written X). */
const ID_CHECK_CHARACTERS = '10X98765432';
const ID_LENGTH = 18;
const SEVENTEEN_DIGITS = /^\d{17}$/;
const ID_NUMBER_SHAPE = /^\d{17}[\dX]$/;

/**
 * The check character (0–9 or X) of a citizen ID number, from its first 17 digits
 * (GB 11643-1999 §5.2, ISO 7064 MOD 11-2).
 *
 * @example idNumberCheckCharacter('11010519491231002') // 'X'
 * @throws {TypeError} when `first17` is not a string.
 * @throws {RangeError} when `first17` is not exactly 17 ASCII digits.
 */
export function idNumberCheckCharacter(first17: string): string {
  if (typeof first17 !== 'string') {
    throw new TypeError(`expected a string of 17 digits, found ${typeof first17}`);
  }
  if (!SEVENTEEN_DIGITS.test(first17)) {
    // The argument is personal data: report its length only.
    throw new RangeError(`expected 17 digits, found ${first17.length} characters that are not`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += Number(first17.charAt(i)) * (ID_WEIGHTS[i] ?? 0);
  }
  return ID_CHECK_CHARACTERS.charAt(sum % 11);
}

/**
 * A licence number as lists and logs of people other than its holder show it: the first 6 and
 * the last 4 characters, every other one `*` (`440106199003072429` → `440106********2429`): the
 * date of birth and the sequence are hidden, and two entries can still be told apart. A number
 * of 10 characters or fewer is masked whole.
 */
export function maskLicenceNumber(licenceNumber: string): string {
  const n = licenceNumber.length;
  if (n <= 10) return '*'.repeat(n);
  return `${licenceNumber.slice(0, 6)}${'*'.repeat(n - 10)}${licenceNumber.slice(n - 4)}`;
}

/**
 * Whether `id` is a well-formed 18-character citizen ID number (GB 11643): 17 digits and an
 * upper-case check character 0–9 or X that is correct, with a real calendar date of birth in
 * digits 7–14. The region code (digits 1–6) is not checked against the administrative division
 * list.
 *
 * @throws {TypeError} when `id` is not a string.
 */
export function isValidIdNumber(id: string): boolean {
  if (typeof id !== 'string') {
    throw new TypeError(`expected a string, found ${typeof id}`);
  }
  return (
    ID_NUMBER_SHAPE.test(id) &&
    isCalendarDate(encodedBirthDate(id)) &&
    idNumberCheckCharacter(id.slice(0, 17)) === id.charAt(17)
  );
}

/** Digits 7–14 of an ID number (GB 11643 §4.3, YYYYMMDD) as `YYYY-MM-DD`. */
function encodedBirthDate(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** The 17th character (sequence code) is odd for men, even for women (GB 11643 §4.4). */
function encodedSex(id: string): 'M' | 'F' {
  return Number(id.charAt(16)) % 2 === 1 ? 'M' : 'F';
}

// ---------------------------------------------------------------------------------------------
// Calendar dates
// ---------------------------------------------------------------------------------------------

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is `YYYY-MM-DD` naming a real Gregorian date in the years 0001–9999. */
function isCalendarDate(s: string): boolean {
  // Character arithmetic, not a regex: this runs several times on every credential verified.
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The value of `count` decimal digits at `start`, or −1 when any is not a digit. */
function digits(s: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// ---------------------------------------------------------------------------------------------
// Field schemas. Every rule that zod has no built-in for adds a custom issue carrying
// `params.expected` and `params.found`, already free of personal data.
// ---------------------------------------------------------------------------------------------

type Ctx = z.RefinementCtx<string>;

function addIssue(ctx: Ctx, expected: string, found: string): void {
  ctx.addIssue({
    code: 'custom',
    message: `expected ${expected}, found ${found}`,
    params: { expected, found },
  });
}

/** Free text: 1…`max` code points, no surrounding whitespace, no control characters. */
function text(max: number) {
  return z.string().superRefine((s, ctx) => {
    const length = codePointLength(s);
    if (length === 0) {
      addIssue(ctx, `1–${max} characters`, 'an empty string');
    } else if (length > max) {
      addIssue(ctx, `at most ${max} characters`, `${length} characters`);
    }
    if (s !== s.trim()) {
      const leading = s !== s.trimStart();
      const trailing = s !== s.trimEnd();
      const where = leading && trailing ? 'leading and trailing' : leading ? 'leading' : 'trailing';
      addIssue(ctx, 'no leading or trailing whitespace', `${where} whitespace`);
    }
    const control = CONTROL_CHARACTER.exec(s);
    if (control !== null) {
      addIssue(
        ctx,
        'no control characters',
        `${codePointName(control[0])} at position ${codePointLength(s.slice(0, control.index)) + 1}`,
      );
    }
    if (LONE_SURROGATE.test(s)) {
      addIssue(ctx, 'well-formed Unicode text', 'an unpaired surrogate');
    }
  });
}

function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function codePointName(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A calendar date `YYYY-MM-DD`; with `longTerm`, the literal `"long-term"` too. */
function date(options: { longTerm: boolean }) {
  return z.string().superRefine((s, ctx) => {
    if (options.longTerm && s === LONG_TERM) return;
    if (!DATE_SHAPE.test(s)) {
      addIssue(
        ctx,
        options.longTerm ? 'a date YYYY-MM-DD or "long-term"' : 'a date YYYY-MM-DD',
        quoteIfSafe(s),
      );
    } else if (!isCalendarDate(s)) {
      addIssue(ctx, 'a real calendar date', s);
    }
  });
}

/** The licence number: the holder's citizen ID number. Never printed, whole or in part. */
const licenceNumberSchema = z.string().superRefine((s, ctx) => {
  if (s.length !== ID_LENGTH) {
    addIssue(
      ctx,
      `${ID_LENGTH} characters (GB 11643 citizen ID number)`,
      `${codePointLength(s)} characters`,
    );
    return;
  }
  if (SEVENTEEN_DIGITS.test(s.slice(0, 17)) && s.charAt(17) === 'x') {
    addIssue(ctx, 'check character 0-9 or upper-case X (GB 11643)', 'lower-case x');
    return;
  }
  if (!ID_NUMBER_SHAPE.test(s)) {
    const position =
      Array.from(s).findIndex((ch, i) => !(/^\d$/.test(ch) || (i === 17 && ch === 'X'))) + 1;
    addIssue(
      ctx,
      '17 digits and a check character 0-9 or X (GB 11643)',
      `an invalid character at position ${position}`,
    );
    return;
  }
  const birth = encodedBirthDate(s);
  if (!isCalendarDate(birth)) {
    // Not a real date, so not the holder's birth date, and on its own not the ID number.
    addIssue(ctx, 'a real date of birth in characters 7–14 (GB 11643)', birth);
    return;
  }
  const check = idNumberCheckCharacter(s.slice(0, 17));
  if (check !== s.charAt(17)) {
    addIssue(ctx, `check character ${check} (GB 11643 / ISO 7064 MOD 11-2)`, s.charAt(17));
  }
});

/** The file number (档案编号): digits, 12 as a rule. Identifies a person: never printed. */
const fileNumberSchema = z.string().superRefine((s, ctx) => {
  const length = codePointLength(s);
  if (length < 1 || length > 20) {
    addIssue(
      ctx,
      '1–20 digits (usually 12)',
      length === 0 ? 'an empty string' : `${length} characters`,
    );
  } else if (!/^\d+$/.test(s)) {
    const position = Array.from(s).findIndex((ch) => !/^\d$/.test(ch)) + 1;
    addIssue(ctx, '1–20 digits (usually 12)', `a non-digit at position ${position}`);
  }
});

const classesSchema = z
  .array(z.enum(LICENCE_CLASSES))
  .min(1)
  .superRefine((classes, ctx) => {
    classes.forEach((c, i) => {
      if (classes.indexOf(c) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `expected each class once, found "${c}" again`,
          params: { expected: 'each class once', found: `"${c}" again` },
        });
      }
    });
  });

const FIELD_SCHEMAS = {
  licenceNumber: licenceNumberSchema,
  name: text(NAME_MAX),
  sex: z.enum(['M', 'F']),
  nationality: z.string().regex(/^[A-Z]{3}$/),
  address: text(ADDRESS_MAX),
  birthDate: date({ longTerm: false }),
  firstIssueDate: date({ longTerm: false }),
  classes: classesSchema,
  validFrom: date({ longTerm: false }),
  validTo: date({ longTerm: true }),
  issuingAuthority: text(AUTHORITY_MAX),
  fileNumber: fileNumberSchema,
  status: z.enum(LICENCE_STATUS_CODES),
  points: z.number().int().min(0).max(POINTS_LIMIT),
};

type FieldName = keyof typeof FIELD_SCHEMAS;

/** Fields whose content identifies a person: issues describe them, never quote them. */
const PERSONAL_FIELDS: ReadonlySet<string> = new Set<FieldName>([
  'licenceNumber',
  'name',
  'address',
  'fileNumber',
]);

/** What each field must be, for issues zod raises itself (wrong type, enum, range, missing). */
const FIELD_EXPECTED: Readonly<Record<FieldName | 'classes[]' | '', string>> = {
  '': 'a licence record (an object)',
  licenceNumber: `a string of ${ID_LENGTH} characters (GB 11643 citizen ID number)`,
  name: `a string of 1–${NAME_MAX} characters`,
  sex: '"M" or "F"',
  nationality: '3 upper-case letters (ISO 3166-1 alpha-3)',
  address: `a string of 1–${ADDRESS_MAX} characters`,
  birthDate: 'a date YYYY-MM-DD',
  firstIssueDate: 'a date YYYY-MM-DD',
  classes: 'a non-empty list of licence classes',
  'classes[]': `one of ${LICENCE_CLASSES.join(' ')}`,
  validFrom: 'a date YYYY-MM-DD',
  validTo: `a date YYYY-MM-DD or "${LONG_TERM}"`,
  issuingAuthority: `a string of 1–${AUTHORITY_MAX} characters`,
  fileNumber: '1–20 digits (usually 12)',
  status: `a GA/T 16.25 status code, one of ${LICENCE_STATUS_CODES.join(' ')}`,
  points: `an integer 0–${POINTS_LIMIT}`,
};

/**
 * Rules across fields, each checked only when the fields it reads are valid on their own (so a
 * bad field is reported once, under its own name).
 */
function crossFieldRules(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  // Cheap predicates, equivalent to the field schemas for the values they accept: this runs on
  // every credential a verifier reads, so it must not parse each field a second time.
  const str = (key: FieldName): string | undefined => {
    const v = value[key];
    return typeof v === 'string' ? v : undefined;
  };
  const valid = (
    key: 'licenceNumber' | 'birthDate' | 'sex' | 'firstIssueDate' | 'validFrom' | 'validTo',
  ): string | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    switch (key) {
      case 'licenceNumber':
        return isValidIdNumber(v) ? v : undefined;
      case 'sex':
        return v === 'M' || v === 'F' ? v : undefined;
      case 'validTo':
        return v === LONG_TERM || isCalendarDate(v) ? v : undefined;
      default:
        return isCalendarDate(v) ? v : undefined;
    }
  };
  const issue = (field: FieldName, expected: string, found: string): void => {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `expected ${expected}, found ${found}`,
      params: { expected, found },
    });
  };

  const licenceNumber = valid('licenceNumber');
  const birthDate = valid('birthDate');
  const sex = valid('sex');
  const firstIssueDate = valid('firstIssueDate');
  const validFrom = valid('validFrom');
  const validTo = valid('validTo');

  if (licenceNumber !== undefined && birthDate !== undefined) {
    const encoded = encodedBirthDate(licenceNumber);
    if (encoded !== birthDate) {
      issue('birthDate', `${encoded} (encoded in licenceNumber)`, birthDate);
    }
  }
  if (licenceNumber !== undefined && sex !== undefined) {
    const encoded = encodedSex(licenceNumber);
    if (encoded !== sex) {
      const parity = encoded === 'M' ? 'odd' : 'even';
      issue('sex', `${encoded} (17th character of licenceNumber is ${parity})`, sex);
    }
  }
  // YYYY-MM-DD strings of real dates order like the dates themselves.
  if (birthDate !== undefined && firstIssueDate !== undefined && !(birthDate < firstIssueDate)) {
    issue('firstIssueDate', `a date after birthDate ${birthDate}`, firstIssueDate);
  }
  if (firstIssueDate !== undefined && validFrom !== undefined && !(firstIssueDate <= validFrom)) {
    issue('validFrom', `a date on or after firstIssueDate ${firstIssueDate}`, validFrom);
  }
  if (
    validFrom !== undefined &&
    validTo !== undefined &&
    validTo !== LONG_TERM &&
    !(validFrom < validTo)
  ) {
    issue('validTo', `a date after validFrom ${validFrom} or "${LONG_TERM}"`, validTo);
  }
}

/**
 * The licence record (docs/DOMAIN.md §2.1), as in `reference-licences.json`. Unknown keys are
 * rejected; dates are calendar dates in China's time zone; `validTo` is a date or `"long-term"`.
 * Cross-field rules: the licence number is a valid GB 11643 ID number whose encoded date of birth
 * and sex agree with `birthDate` and `sex`; birthDate < firstIssueDate ≤ validFrom < validTo.
 *
 * Prefer {@link parseLicenceRecord}, whose error messages are safe to log.
 */
export const licenceRecordSchema = z.strictObject(FIELD_SCHEMAS).superRefine(
  (value, ctx) => {
    crossFieldRules(value, ctx);
  },
  // Run the cross-field rules even when some fields failed, so that every issue is reported.
  { when: (payload) => isPlainRecord(payload.value) },
);

/** A valid licence record. */
export type LicenceRecord = z.infer<typeof licenceRecordSchema>;

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Validation errors
// ---------------------------------------------------------------------------------------------

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

/**
 * A short printable-ASCII string in quotes, e.g. `"C9"`; anything else (non-ASCII text, long
 * strings, long digit runs that could be an ID number) by its length only.
 */
function quoteIfSafe(s: string): string {
  return /^[\x20-\x7E]{0,32}$/.test(s) && !/\d{15}/.test(s)
    ? JSON.stringify(s)
    : `a string of ${codePointLength(s)} characters`;
}

// ---------------------------------------------------------------------------------------------
// Validity period
// ---------------------------------------------------------------------------------------------

/**
 * Where `date` falls in the licence's validity period. Both ends are inclusive; a `"long-term"`
 * licence never expires. Pass the date in China's time zone (see `chinaDate`). This looks at the
 * period only, not at `status`.
 *
 * @param date a calendar date `YYYY-MM-DD`.
 * @throws {RangeError} when `date`, `record.validFrom` or `record.validTo` is not a calendar date
 *   (or, for `validTo`, `"long-term"`).
 */
export function licenceValidityOn(
  record: Pick<LicenceRecord, 'validFrom' | 'validTo'>,
  date: string,
): 'valid' | 'not-yet-valid' | 'expired' {
  if (!isCalendarDate(date)) {
    throw new RangeError(`date: expected a calendar date YYYY-MM-DD, found ${quoteIfSafe(date)}`);
  }
  if (!isCalendarDate(record.validFrom)) {
    throw new RangeError(
      `validFrom: expected a calendar date YYYY-MM-DD, found ${quoteIfSafe(record.validFrom)}`,
    );
  }
  if (record.validTo !== LONG_TERM && !isCalendarDate(record.validTo)) {
    throw new RangeError(
      `validTo: expected a calendar date YYYY-MM-DD or "${LONG_TERM}", found ${quoteIfSafe(record.validTo)}`,
    );
  }
  if (date < record.validFrom) return 'not-yet-valid';
  if (record.validTo !== LONG_TERM && date > record.validTo) return 'expired';
  return 'valid';
}

// ---------------------------------------------------------------------------------------------
// ISO/IEC 18013-5 mDL mapping
// ---------------------------------------------------------------------------------------------

/**
 * Two-character Chinese compound surnames (复姓) recognised when splitting a name. A short list of
 * the common ones; any other name is split after its first character, which is right for the
 * great majority of Chinese names but cannot be right for all.
 */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳',
  '司马',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '端木',
  '南宫',
  '西门',
  '独孤',
]);

/**
 * Middle dots used between the parts of transliterated names (e.g. Uyghur names such as
 * 买买提·艾力), and any Latin letter or space: such a name's family part is not safely known.
 */
const UNSPLITTABLE_NAME = /[\u00B7\u2022\u2027\u30FB\uFF0E\uFF65\p{Script=Latin}\s]/u;

/** One ISO/IEC 18013-5 `driving_privileges` entry. */
export interface MdlDrivingPrivilege {
  /** The Chinese class code as printed (A1…P); these are not the UN/EU categories. */
  readonly vehicle_category_code: LicenceClass;
  /** The licence's first issue date (the record does not carry a date per class). */
  readonly issue_date: string;
}

/** ISO/IEC 18013-5 mDL data elements (namespace `org.iso.18013.5.1`) for a licence record. */
export interface MdlElements {
  readonly family_name: string;
  readonly given_name: string;
  readonly birth_date: string;
  readonly issue_date: string;
  /** Absent for a long-term licence, which has no expiry date. */
  readonly expiry_date?: string;
  readonly issuing_country: 'CN';
  readonly issuing_authority: string;
  readonly document_number: string;
  /** ISO/IEC 5218: 1 male, 2 female. */
  readonly sex: 1 | 2;
  /**
   * The record's ISO 3166-1 alpha-3 code as given (e.g. `CHN`); 18013-5 asks for alpha-2, and
   * converting needs a country table this module does not carry.
   */
  readonly nationality: string;
  readonly resident_address: string;
  readonly un_distinguishing_sign: 'CHN';
  readonly driving_privileges: readonly MdlDrivingPrivilege[];
}

/**
 * Maps a licence record to ISO/IEC 18013-5 mDL element names.
 *
 * - Name: a Chinese name is split into `family_name` (the first character, or the first two for a
 *   compound surname in a short list such as 欧阳 诸葛 司马) and `given_name` (the rest). A name
 *   with a middle dot (·) or Latin letters or spaces is not split, because which part is the
 *   family name is not safely known: the whole name goes in `family_name` and `given_name` is `''`.
 * - `issue_date` is `validFrom`; `expiry_date` is `validTo`, omitted for a long-term licence.
 * - `document_number` is the licence number (证号), which is the holder's ID number.
 * - `nationality` stays alpha-3 as recorded (see {@link MdlElements.nationality}).
 * - `driving_privileges` has one entry per class, each with the first issue date.
 *
 * `portrait` and `age_over_NN` are not part of the record and are left to the caller.
 */
export function toMdl(record: LicenceRecord): MdlElements {
  const { family, given } = splitChineseName(record.name);
  return {
    family_name: family,
    given_name: given,
    birth_date: record.birthDate,
    issue_date: record.validFrom,
    ...(record.validTo === LONG_TERM ? {} : { expiry_date: record.validTo }),
    issuing_country: 'CN',
    issuing_authority: record.issuingAuthority,
    document_number: record.licenceNumber,
    sex: record.sex === 'M' ? 1 : 2,
    nationality: record.nationality,
    resident_address: record.address,
    un_distinguishing_sign: 'CHN',
    driving_privileges: record.classes.map((vehicle_category_code) => ({
      vehicle_category_code,
      issue_date: record.firstIssueDate,
    })),
  };
}

function splitChineseName(name: string): { family: string; given: string } {
  if (UNSPLITTABLE_NAME.test(name)) return { family: name, given: '' };
  // By code point: a rare character (生僻字) may lie outside the BMP.
  const chars = Array.from(name);
  const two = chars.slice(0, 2).join('');
  const familyLength = chars.length > 2 && COMPOUND_SURNAMES.has(two) ? 2 : 1;
  return {
    family: chars.slice(0, familyLength).join(''),
    given: chars.slice(familyLength).join(''),
  };
}
