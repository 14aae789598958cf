import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chinaAge, chinaDate } from '../../shared/china-time.js';
import { isLicenceError, LicenceError } from '../../shared/errors.js';
import {
  isValidForDriving,
  LICENCE_CLASSES,
  LICENCE_STATUS,
  type LicenceStatusCode,
} from '../../shared/licence/codes.js';
import { idNumberCheckCharacter, isValidIdNumber } from '../../shared/licence/id-number.js';
import { toMdl } from '../../shared/licence/mdl.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { LicenceValidationError, parseLicenceRecord } from '../../shared/licence/validate.js';
import { licenceValidityOn } from '../../shared/licence/validity.js';

// The project's reference licence records (see test/fixtures/README.md).
const fixtureSchema = z.object({
  licences: z.array(z.record(z.string(), z.unknown())).min(1),
  invalid: z.array(z.object({ why: z.string(), record: z.record(z.string(), z.unknown()) })).min(1),
});
const reference = fixtureSchema.parse(
  JSON.parse(
    readFileSync(new URL('../fixtures/reference-licences.json', import.meta.url), 'utf8'),
  ) as unknown,
);

type RawRecord = Record<string, unknown>;

function referenceLicence(index: number): RawRecord {
  const licence = reference.licences[index];
  if (licence === undefined) throw new Error(`no reference licence ${index}`);
  return structuredClone(licence);
}

/** 王伟: male, C1, long-term. */
const wangWei = referenceLicence(1);
/** 张建国: ID number ending in X. */
const zhangJianguo = referenceLicence(2);

/** Parses `value`, expecting it to be rejected, and returns the error. */
function rejection(value: unknown): LicenceValidationError {
  try {
    parseLicenceRecord(value);
  } catch (error) {
    expect(error).toBeInstanceOf(LicenceValidationError);
    expect(error).toBeInstanceOf(LicenceError);
    expect(isLicenceError(error, 'ERR_LICENCE_INVALID')).toBe(true);
    return error as LicenceValidationError;
  }
  throw new Error('expected the record to be rejected, but it was accepted');
}

function fields(error: LicenceValidationError): string[] {
  return error.issues.map((issue) => issue.field);
}

interface NegativeCase {
  readonly name: string;
  readonly record: unknown;
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

/** Each `why` of the fixture's invalid list: the field it must name, and expected/found text. */
const invalidByWhy: Readonly<Record<string, Omit<NegativeCase, 'name' | 'record'>>> = {
  'check character wrong (last char should be 9)': {
    field: 'licenceNumber',
    expected: 'check character 9 (GB 11643 / ISO 7064 MOD 11-2)',
    found: '0',
  },
  'unknown class C9': {
    field: 'classes[0]',
    expected: `one of ${LICENCE_CLASSES.join(' ')}`,
    found: '"C9"',
  },
  'validTo before validFrom': {
    field: 'validTo',
    expected: '2025-03-02',
    found: '2015-03-02',
  },
  'birth date in the ID number (1985-11-21) differs from birthDate': {
    field: 'birthDate',
    expected: 'the date of birth encoded in licenceNumber (characters 7–14, GB 11643)',
    found: 'a different date',
  },
  'points out of range': { field: 'points', expected: 'an integer 0–12', found: '13' },
};

const fixtureCases: NegativeCase[] = reference.invalid.map(({ why, record }) => {
  const expectation = invalidByWhy[why];
  if (expectation === undefined) throw new Error(`no expectation for fixture case "${why}"`);
  return { name: why, record, ...expectation };
});

const without = (record: RawRecord, key: string): RawRecord =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));

const moreCases: NegativeCase[] = [
  {
    name: 'a date that does not exist (2023-02-29)',
    record: { ...wangWei, firstIssueDate: '2023-02-29' },
    field: 'firstIssueDate',
    expected: 'a real calendar date',
    found: '2023-02-29',
  },
  {
    name: 'sex disagreeing with the 17th digit of the ID number',
    record: { ...wangWei, sex: 'F' },
    field: 'sex',
    expected: 'M (17th character of licenceNumber is odd)',
    found: 'F',
  },
  {
    name: 'an unknown key',
    record: { ...wangWei, photo: 'x' },
    field: 'photo',
    expected: 'no such field',
    found: 'an unknown field',
  },
  {
    name: 'a lower-case x check character',
    record: { ...zhangJianguo, licenceNumber: '51010719780612171x' },
    field: 'licenceNumber',
    expected: 'upper-case X',
    found: 'lower-case x',
  },
  {
    name: 'a licence number of 17 characters',
    record: { ...wangWei, licenceNumber: '11010519851121001' },
    field: 'licenceNumber',
    expected: '18 characters',
    found: '17 characters',
  },
  {
    name: 'a licence number with a letter inside',
    record: { ...wangWei, licenceNumber: '1101051985112A0018' },
    field: 'licenceNumber',
    expected: '17 digits and a check character 0-9 or X',
    found: 'an invalid character at position 14',
  },
  {
    name: 'a licence number encoding a date that does not exist',
    record: { ...wangWei, licenceNumber: '110105198502300010', birthDate: '1985-02-28' },
    field: 'licenceNumber',
    expected: 'a real date of birth',
    found: '1985-02-30',
  },
  {
    name: "status 'Q'",
    record: { ...wangWei, status: 'Q' },
    field: 'status',
    expected: 'a GA/T 16.25 status code',
    found: '"Q"',
  },
  {
    name: 'points 1.5',
    record: { ...wangWei, points: 1.5 },
    field: 'points',
    expected: 'an integer 0–12',
    found: '1.5',
  },
  {
    name: 'points -1',
    record: { ...wangWei, points: -1 },
    field: 'points',
    expected: 'an integer 0–12',
    found: '-1',
  },
  {
    name: 'points as a string',
    record: { ...wangWei, points: '3' },
    field: 'points',
    expected: 'an integer 0–12',
    found: '"3"',
  },
  {
    name: 'a duplicate class',
    record: { ...wangWei, classes: ['C1', 'C1'] },
    field: 'classes[1]',
    expected: 'each class once',
    found: '"C1" again',
  },
  {
    name: 'no classes',
    record: { ...wangWei, classes: [] },
    field: 'classes',
    expected: 'a non-empty list of licence classes',
    found: 'an empty list',
  },
  {
    name: 'a name with leading whitespace',
    record: { ...wangWei, name: ' 王伟' },
    field: 'name',
    expected: 'no leading or trailing whitespace',
    found: 'leading whitespace',
  },
  {
    name: 'a name with a trailing ideographic space',
    record: { ...wangWei, name: '王伟\u3000' },
    field: 'name',
    expected: 'no leading or trailing whitespace',
    found: 'trailing whitespace',
  },
  {
    name: 'an empty name',
    record: { ...wangWei, name: '' },
    field: 'name',
    expected: '1–64 characters',
    found: 'an empty string',
  },
  {
    name: 'a name of 65 characters',
    record: { ...wangWei, name: '王'.repeat(65) },
    field: 'name',
    expected: 'at most 64 characters',
    found: '65 characters',
  },
  {
    name: 'an address with a control character',
    record: { ...wangWei, address: '北京市\u0007朝阳区' },
    field: 'address',
    expected: 'no control characters',
    found: 'U+0007 at position 4',
  },
  {
    name: 'an authority with a bidi override',
    record: { ...wangWei, issuingAuthority: '北京市\u202E公安局' },
    field: 'issuingAuthority',
    expected: 'no control characters',
    found: 'U+202E at position 4',
  },
  {
    name: 'a missing address',
    record: without(wangWei, 'address'),
    field: 'address',
    expected: 'a string of 1–128 characters',
    found: 'nothing (missing)',
  },
  {
    name: 'a lower-case nationality',
    record: { ...wangWei, nationality: 'chn' },
    field: 'nationality',
    expected: 'ISO 3166-1 alpha-3',
    found: '"chn"',
  },
  {
    name: 'a date in another format',
    record: { ...wangWei, validFrom: '2015/03/02' },
    field: 'validFrom',
    expected: 'a date YYYY-MM-DD',
    found: '"2015/03/02"',
  },
  {
    name: 'validTo neither a date nor "long-term"',
    record: { ...wangWei, validTo: 'forever' },
    field: 'validTo',
    expected: 'a date YYYY-MM-DD or "long-term"',
    found: '"forever"',
  },
  {
    name: 'validTo equal to validFrom',
    record: { ...wangWei, validTo: '2015-03-02' },
    field: 'validTo',
    expected: 'a date after validFrom 2015-03-02',
    found: '2015-03-02',
  },
  {
    name: 'validFrom before firstIssueDate',
    record: { ...wangWei, validFrom: '2005-03-01' },
    field: 'validFrom',
    expected: 'on or after firstIssueDate 2005-03-02',
    found: '2005-03-01',
  },
  {
    name: 'firstIssueDate not after birthDate',
    record: { ...wangWei, firstIssueDate: '1985-11-21', validFrom: '2015-03-02' },
    field: 'firstIssueDate',
    expected: 'a date after birthDate',
    found: '1985-11-21',
  },
  {
    name: 'a file number with a letter',
    record: { ...wangWei, fileNumber: '11000076543A' },
    field: 'fileNumber',
    expected: '1–20 digits',
    found: 'a non-digit at position 12',
  },
  {
    name: 'a file number of 21 digits',
    record: { ...wangWei, fileNumber: '1'.repeat(21) },
    field: 'fileNumber',
    expected: '1–20 digits',
    found: '21 characters',
  },
  {
    name: 'the licence number as a JSON number',
    record: { ...wangWei, licenceNumber: Number('110105198511210018') },
    field: 'licenceNumber',
    expected: 'a string of 18 characters',
    found: 'a number',
  },
  {
    name: 'null instead of a record',
    record: null,
    field: '(record)',
    expected: 'a licence record',
    found: 'null',
  },
  {
    name: 'a list instead of a record',
    record: [wangWei],
    field: '(record)',
    expected: 'a licence record',
    found: 'a list of 1 items',
  },
];

describe('parseLicenceRecord', () => {
  it.each(reference.licences.map((licence, i) => [i, licence] as const))(
    'when reference licence %i is parsed, then it is accepted unchanged',
    (_i, licence) => {
      expect(parseLicenceRecord(licence)).toEqual(licence);
    },
  );

  it('when the fixture lists invalid records, then each has an expectation here', () => {
    expect(reference.invalid.map((c) => c.why).sort()).toEqual(Object.keys(invalidByWhy).sort());
  });

  it.each([...fixtureCases, ...moreCases].map((c) => [c.name, c] as const))(
    'when a record has %s, then it is rejected naming that field',
    (_name, c) => {
      const error = rejection(c.record);
      expect(fields(error)).toEqual([c.field]);
      const [issue] = error.issues;
      expect(issue?.expected).toContain(c.expected);
      expect(issue?.found).toContain(c.found);
      expect(error.message).toContain(`${c.field}: expected `);
      expect(error.message).toContain(c.expected);
      expect(error.message).toContain(`found ${c.found}`);
    },
  );

  it('when several fields are wrong, then every issue is listed', () => {
    const error = rejection({
      ...wangWei,
      name: ' 王伟',
      birthDate: '1985-13-01',
      classes: ['C1', 'X9'],
      status: 'Q',
      points: 13,
      extra: true,
    });
    expect(fields(error)).toEqual(['name', 'birthDate', 'classes[1]', 'status', 'points', 'extra']);
    expect(error.message.split('; ')).toHaveLength(6);
  });

  it('when fields are valid alone but not together, then each cross-field rule is reported', () => {
    const error = rejection({
      ...wangWei,
      sex: 'F',
      birthDate: '1985-11-22',
      validFrom: '2005-03-01',
      validTo: '2004-01-01',
    });
    expect(fields(error)).toEqual(['birthDate', 'sex', 'validFrom', 'validTo']);
  });

  it('when the birth date disagrees with the ID number, then neither date is in the error', () => {
    const error = rejection({ ...wangWei, birthDate: '1985-11-22' });
    expect(error.issues).toEqual([
      {
        field: 'birthDate',
        expected: 'the date of birth encoded in licenceNumber (characters 7–14, GB 11643)',
        found: 'a different date',
      },
    ]);
    const text = `${error.message}\n${JSON.stringify(error.issues)}`;
    expect(text).not.toContain('1985-11-21');
    expect(text).not.toContain('1985-11-22');
    expect(text).not.toContain('19851121');
  });

  it('when the first issue date is not after the birth date, then the birth date is not in the error', () => {
    // Without a licence number, so that the birth date is valid on its own.
    const error = rejection({ ...without(wangWei, 'licenceNumber'), birthDate: '2006-01-01' });
    expect(error.issues).toContainEqual({
      field: 'firstIssueDate',
      expected: 'a date after birthDate',
      found: '2005-03-02',
    });
    expect(error.message).not.toContain('2006-01-01');
  });

  it('when a record is rejected, then its message never contains the ID number, name or address', () => {
    const cases = [...fixtureCases, ...moreCases];
    expect(cases.length).toBeGreaterThan(30);
    for (const c of cases) {
      const error = rejection(c.record);
      const text = `${error.message}\n${JSON.stringify(error.issues)}`;
      const record: RawRecord =
        typeof c.record === 'object' && c.record !== null && !Array.isArray(c.record)
          ? (c.record as RawRecord)
          : wangWei;
      const { licenceNumber, name, address } = record;
      if (typeof licenceNumber === 'string' && licenceNumber.length > 0) {
        expect(text).not.toContain(licenceNumber);
        expect(text).not.toContain(licenceNumber.slice(0, 17));
      }
      if (typeof name === 'string' && name.trim().length > 0) {
        expect(text).not.toContain(name.trim());
      }
      if (typeof address === 'string' && address.length > 0) {
        expect(text).not.toContain(address);
      }
      // No run of digits long enough to be (most of) an ID number.
      expect(text).not.toMatch(/\d{15}/);
    }
  });
});

describe('idNumberCheckCharacter and isValidIdNumber', () => {
  const knownIds = [
    '11010519491231002X', // GB 11643 example
    ...reference.licences.map((l) => String(l['licenceNumber'])),
  ];

  it.each(knownIds)('when the ID number is %s, then its check character is its last', (id) => {
    expect(idNumberCheckCharacter(id.slice(0, 17))).toBe(id.slice(17));
    expect(isValidIdNumber(id)).toBe(true);
  });

  it.each([
    ['a wrong check character', '440106199003072420'],
    ['a lower-case x', '11010519491231002x'],
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['a birth date that does not exist (1949-02-30)', '110105194902300020'],
    ['a letter among the digits', '1101051949123100AX'],
    ['surrounding whitespace', ' 11010519491231002X'],
  ])('when the ID number has %s, then it is not valid', (_why, id) => {
    expect(isValidIdNumber(id)).toBe(false);
  });

  it('when an ID number has a correct check character but no real birth date, then the date alone makes it invalid', () => {
    expect(idNumberCheckCharacter('11010519490230002')).toBe('0');
    expect(isValidIdNumber('110105194902300020')).toBe(false);
  });

  it('when the argument is not 17 digits, then idNumberCheckCharacter throws RangeError', () => {
    expect(() => idNumberCheckCharacter('1101051949123100')).toThrow(RangeError);
    expect(() => idNumberCheckCharacter('1101051949123100X')).toThrow(RangeError);
  });
});

describe('licenceValidityOn', () => {
  const tenYears = { validFrom: '2020-05-20', validTo: '2030-05-20' };
  const longTerm = { validFrom: '2015-03-02', validTo: 'long-term' };

  it.each([
    ['the day before validFrom', tenYears, '2020-05-19', 'not-yet-valid'],
    ['the day of validFrom', tenYears, '2020-05-20', 'valid'],
    ['the day of validTo', tenYears, '2030-05-20', 'valid'],
    ['the day after validTo', tenYears, '2030-05-21', 'expired'],
    ['a long-term licence far in the future', longTerm, '9999-12-31', 'valid'],
    ['a long-term licence on validFrom', longTerm, '2015-03-02', 'valid'],
    ['a long-term licence before validFrom', longTerm, '2015-03-01', 'not-yet-valid'],
  ] as const)('when the date is %s, then the licence is %s', (_why, record, date, expected) => {
    expect(licenceValidityOn(record, date)).toBe(expected);
  });

  it('when the date is not a calendar date, then it throws RangeError', () => {
    expect(() => licenceValidityOn(tenYears, '2023-02-29')).toThrow(RangeError);
    expect(() => licenceValidityOn(tenYears, '2030-5-21')).toThrow(RangeError);
  });
});

describe('isValidForDriving', () => {
  it('when the status is A, then it is valid for driving, and for no other status', () => {
    const codes = Object.keys(LICENCE_STATUS) as LicenceStatusCode[];
    expect(codes).toHaveLength(20);
    expect(codes.filter((code) => isValidForDriving(code))).toEqual(['A']);
    expect(LICENCE_STATUS.A).toEqual({ zh: '正常', en: 'normal' });
  });
});

describe('toMdl', () => {
  it('when the first reference licence is mapped, then the mDL elements carry its data', () => {
    expect(toMdl(parseLicenceRecord(referenceLicence(0)))).toEqual({
      family_name: '欧阳',
      given_name: '晓雯',
      birth_date: '1990-03-07',
      issue_date: '2020-05-20',
      expiry_date: '2030-05-20',
      issuing_country: 'CN',
      issuing_authority: '广东省广州市公安局交通警察支队',
      document_number: '440106199003072429',
      sex: 2,
      nationality: 'CHN',
      resident_address: '广东省广州市天河区天河路385号太古汇2座1801房',
      un_distinguishing_sign: 'CHN',
      driving_privileges: [
        { vehicle_category_code: 'A2', issue_date: '2010-05-20' },
        { vehicle_category_code: 'D', issue_date: '2010-05-20' },
      ],
    });
  });

  it('when 王伟 (long-term) is mapped, then the surname is one character and there is no expiry', () => {
    const mdl = toMdl(parseLicenceRecord(wangWei));
    expect(mdl.family_name).toBe('王');
    expect(mdl.given_name).toBe('伟');
    expect(mdl.sex).toBe(1);
    expect(mdl).not.toHaveProperty('expiry_date');
    expect(mdl.driving_privileges).toEqual([
      { vehicle_category_code: 'C1', issue_date: '2005-03-02' },
    ]);
  });

  it.each([
    ['a middle dot', '买买提·艾力'],
    ['Latin letters and a space', 'John Smith'],
  ])('when the name has %s, then it is not split', (_why, name) => {
    const record: LicenceRecord = parseLicenceRecord({ ...wangWei, name });
    expect(toMdl(record)).toMatchObject({ family_name: name, given_name: '' });
  });
});

describe('chinaDate', () => {
  it.each([
    ['2026-11-24T15:59:59Z', '2026-11-24'],
    ['2026-11-24T16:00:00Z', '2026-11-25'],
    ['2026-11-24T00:00:00Z', '2026-11-24'],
    ['2024-02-28T16:00:00Z', '2024-02-29'],
    ['2025-12-31T16:00:00Z', '2026-01-01'],
  ])('when the instant is %s, then the date in China is %s', (instant, expected) => {
    expect(chinaDate(new Date(instant))).toBe(expected);
  });

  it('when the Date is invalid, then it throws RangeError', () => {
    expect(() => chinaDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('chinaAge', () => {
  it.each([
    ['1990-11-25', '2026-11-24T15:59:59Z', 35],
    ['1990-11-25', '2026-11-24T16:00:00Z', 36],
    ['1990-11-24', '2026-11-24T00:00:00Z', 36],
    ['1990-12-31', '2026-11-24T00:00:00Z', 35],
    ['2004-02-29', '2025-02-28T00:00:00Z', 20],
    ['2004-02-29', '2025-02-28T16:00:00Z', 21],
    ['2004-02-29', '2028-02-28T16:00:00Z', 24],
  ])('when born %s, then at %s the age in China is %d', (birthDate, instant, expected) => {
    expect(chinaAge(birthDate, Date.parse(instant))).toBe(expected);
  });
});
