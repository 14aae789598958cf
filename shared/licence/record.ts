/**
 * The licence record (中华人民共和国机动车驾驶证, docs/DOMAIN.md §2.1) as a strict zod schema.
 * Every rule that zod has no built-in for adds a custom issue carrying `params.expected` and
 * `params.found`, already free of personal data.
 */
import { z } from 'zod';
import { CONTROL_CHARACTER, LONE_SURROGATE } from '../text.js';
import { LICENCE_CLASSES, LICENCE_STATUS_CODES, LONG_TERM, POINTS_LIMIT } from './codes.js';
import {
  encodedBirthDate,
  encodedSex,
  ID_LENGTH,
  ID_NUMBER_SHAPE,
  idNumberCheckCharacter,
  isValidIdNumber,
  SEVENTEEN_DIGITS,
} from './id-number.js';
import { DATE_SHAPE, isCalendarDate } from './internal/calendar-date.js';
import { codePointLength, codePointName, quoteIfSafe } from './internal/describe.js';

/** Maximum lengths, in Unicode code points, of the free-text fields. */
export const NAME_MAX = 64;
const ADDRESS_MAX = 128;
const AUTHORITY_MAX = 64;

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
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set<FieldName>([
  'licenceNumber',
  'name',
  'address',
  'fileNumber',
]);

/** What each field must be, for issues zod raises itself (wrong type, enum, range, missing). */
export const FIELD_EXPECTED: Readonly<Record<FieldName | 'classes[]' | '', string>> = {
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
    // Both dates are the holder's date of birth, or close to it: neither is quoted.
    if (encoded !== birthDate) {
      issue(
        'birthDate',
        'the date of birth encoded in licenceNumber (characters 7–14, GB 11643)',
        'a different date',
      );
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
    issue('firstIssueDate', 'a date after birthDate', firstIssueDate);
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

/**
 * Some fields of a licence record, as a credential of version 2 discloses them: each field present
 * by its own rule, and each cross-field rule when every field it reads is present.
 */
export const partialLicenceRecordSchema = z
  .strictObject(FIELD_SCHEMAS)
  .partial()
  .superRefine(
    (value, ctx) => {
      crossFieldRules(value, ctx);
    },
    { when: (payload) => isPlainRecord(payload.value) },
  );

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
