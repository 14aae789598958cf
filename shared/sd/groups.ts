/**
 * The disclosable groups of credential format version 2 (FORMAT.md §8.2) and the purposes a
 * holder picks from (§8.7): which licence elements travel together, in which order, as which
 * JSON value.
 */
import { decodeBase64url } from '../base64url.js';
import { LicenceError } from '../errors.js';
import type { LicenceRecord } from '../licence/record.js';
import { parseJson } from '../utf8.js';

/** The groups, by index: the position of each one's digest in `sd`. */
export const GROUP_NAMES = [
  'holder',
  'driving',
  'identity',
  'file',
  'age_over_18',
  'age_over_60',
] as const;

export type GroupName = (typeof GROUP_NAMES)[number];
/** A group's index, 0-5. */
export type GroupIndex = 0 | 1 | 2 | 3 | 4 | 5;
export const GROUP_COUNT = GROUP_NAMES.length;

/** The wire members of each object group, in the order they are serialised. */
export const GROUP_MEMBERS = {
  holder: ['nm', 'ph'],
  driving: ['cl', 'vf', 'vt', 'st', 'pt'],
  identity: ['no', 'sx', 'na', 'bd', 'ad'],
  file: ['fd', 'au', 'fn'],
} as const satisfies Partial<Record<GroupName, readonly string[]>>;

/** The licence field each wire member of an object group carries; `ph` carries none. */
export const LICENCE_FIELD_OF_MEMBER = {
  nm: 'name',
  cl: 'classes',
  vf: 'validFrom',
  vt: 'validTo',
  st: 'status',
  pt: 'points',
  no: 'licenceNumber',
  sx: 'sex',
  na: 'nationality',
  bd: 'birthDate',
  ad: 'address',
  fd: 'firstIssueDate',
  au: 'issuingAuthority',
  fn: 'fileNumber',
} as const satisfies Record<string, keyof LicenceRecord>;

export interface HolderValue {
  readonly nm: string;
  /** base64url SHA-256 of the portrait; absent when the registry holds no portrait. */
  readonly ph?: string;
}
export interface DrivingValue {
  readonly cl: readonly string[];
  readonly vf: string;
  readonly vt: string;
  readonly st: string;
  readonly pt: number;
}
export interface IdentityValue {
  readonly no: string;
  readonly sx: string;
  readonly na: string;
  readonly bd: string;
  readonly ad: string;
}
export interface FileValue {
  readonly fd: string;
  readonly au: string;
  readonly fn: string;
}
/** The value of one group: an object of its members, or an age flag. */
export type GroupValue = HolderValue | DrivingValue | IdentityValue | FileValue | boolean;
/** The six group values in index order. */
export type GroupValues = readonly [
  HolderValue,
  DrivingValue,
  IdentityValue,
  FileValue,
  boolean,
  boolean,
];

/** Who the holder shows the code to; one byte on the wire (FORMAT.md §8.7). */
export const PURPOSES = {
  police: { code: 1, groups: [0, 1, 2, 3, 4, 5] },
  rental: { code: 2, groups: [0, 1] },
  insurance: { code: 3, groups: [0, 1] },
  employer: { code: 4, groups: [0, 1] },
  age: { code: 5, groups: [4] },
  custom: { code: 6, groups: undefined },
} as const satisfies Record<
  string,
  { readonly code: number; readonly groups: readonly GroupIndex[] | undefined }
>;

export type Purpose = keyof typeof PURPOSES;
/** The purpose a presentation is made for when none is chosen. */
export const DEFAULT_PURPOSE: Purpose = 'police';
const PURPOSE_BY_CODE = new Map<number, Purpose>(
  (Object.keys(PURPOSES) as Purpose[]).map((p) => [PURPOSES[p].code, p]),
);

/** The purpose with this wire code, or undefined. */
export function purposeOfCode(code: number): Purpose | undefined {
  return PURPOSE_BY_CODE.get(code);
}

/**
 * The groups a presentation for `purpose` discloses, in index order: the table's for a fixed
 * purpose; `custom` for `custom` (any non-empty set, each index once).
 * @throws {RangeError} on custom groups that are missing, empty, repeated or unknown, or on
 *   groups given for a fixed purpose that are not its own.
 */
export function groupsFor(purpose: Purpose, custom?: readonly number[]): GroupIndex[] {
  const fixed = PURPOSES[purpose].groups;
  if (fixed !== undefined) {
    if (custom !== undefined && !sameList(custom, fixed))
      throw new RangeError(`groups: purpose ${purpose} discloses ${fixed.join(',')} only`);
    return [...fixed];
  }
  if (custom === undefined || custom.length === 0)
    throw new RangeError('groups: expected a non-empty set for a custom purpose');
  const sorted = [...custom].sort((a, b) => a - b);
  sorted.forEach((g, i) => {
    if (!Number.isInteger(g) || g < 0 || g >= GROUP_COUNT)
      throw new RangeError(`groups: expected indices 0-${GROUP_COUNT - 1}, found ${g}`);
    if (i > 0 && sorted[i - 1] === g) throw new RangeError(`groups: ${g} listed twice`);
  });
  return sorted as GroupIndex[];
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Whether someone is over 18 and over 60 on a date: each flag turns true on the birthday (a
 * birthday on 29 February falls on 1 March in other years).
 * @param birthDate `YYYY-MM-DD`.
 * @param onDate `YYYY-MM-DD`, the China date of the credential's `iat`.
 */
export function ageFlags(
  birthDate: string,
  onDate: string,
): { readonly ageOver18: boolean; readonly ageOver60: boolean } {
  return {
    ageOver18: onDate >= birthday(birthDate, 18),
    ageOver60: onDate >= birthday(birthDate, 60),
  };
}

/** The date someone born on `birthDate` turns `years`, `YYYY-MM-DD`. */
function birthday(birthDate: string, years: number): string {
  const year = Number(birthDate.slice(0, 4)) + years;
  const monthDay = birthDate.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${String(year).padStart(4, '0')}-${monthDay === '02-29' && !leap ? '03-01' : monthDay}`;
}

const CHINA_OFFSET = 8 * 3600;

/**
 * When either age flag of a credential issued at `iat` would next change: the NumericDate of
 * 00:00 China time on the 18th or the 60th birthday, whichever comes first after the China date
 * of `iat`; undefined when neither will change (60 or over). The issuer caps `exp` there (the
 * credential is valid only before `exp`), so a flag never goes stale.
 */
export function ageFlagsChangeAt(birthDate: string, iat: number): number | undefined {
  const onDate = new Date((iat + CHINA_OFFSET) * 1000).toISOString().slice(0, 10);
  for (const years of [18, 60]) {
    const date = birthday(birthDate, years);
    if (onDate < date) return Date.parse(`${date}T00:00:00Z`) / 1000 - CHINA_OFFSET;
  }
  return undefined;
}

/**
 * The six group values of a licence, as the issuer signs them: the age flags on the China date
 * of `iat`.
 */
export function groupValuesOf(
  licence: LicenceRecord,
  portraitHash: string | undefined,
  chinaDateOfIat: string,
): GroupValues {
  const l = licence;
  const flags = ageFlags(l.birthDate, chinaDateOfIat);
  return [
    portraitHash === undefined ? { nm: l.name } : { nm: l.name, ph: portraitHash },
    { cl: [...l.classes], vf: l.validFrom, vt: l.validTo, st: l.status, pt: l.points },
    { no: l.licenceNumber, sx: l.sex, na: l.nationality, bd: l.birthDate, ad: l.address },
    { fd: l.firstIssueDate, au: l.issuingAuthority, fn: l.fileNumber },
    flags.ageOver18,
    flags.ageOver60,
  ];
}

/**
 * Parses the JSON array of the values of `groups` (in that order), strictly: each value has its
 * group's shape (the members of §8.2 in their order, of their JSON types, or a boolean) and the
 * text is byte for byte the canonical serialisation (`JSON.stringify` of the values), so that
 * each set of values has one text. Licence rules are not checked here.
 * @throws {LicenceError} `ERR_MALFORMED`, naming `what`.
 */
export function parseGroupValues(
  text: string,
  groups: readonly GroupIndex[],
  what: string,
): GroupValue[] {
  const value = parseJson(text, what);
  if (!Array.isArray(value) || value.length !== groups.length) {
    throw new LicenceError(
      'ERR_MALFORMED',
      `${what}: expected an array of ${groups.length} group values, found ${Array.isArray(value) ? `${value.length}` : 'no array'}`,
    );
  }
  const values = value as unknown[];
  groups.forEach((g, i) => {
    checkShape(values[i], g, `${what} [${i}] (${GROUP_NAMES[g]})`);
  });
  if (JSON.stringify(values) !== text) {
    throw new LicenceError(
      'ERR_MALFORMED',
      `${what}: expected the canonical serialisation (no whitespace, no escapes that need none, numbers in shortest form), found another`,
    );
  }
  return values as GroupValue[];
}

/**
 * Parses the JSON of the whole disclosure (FORMAT.md §8.3), strictly in shape: an array of the
 * salt (22 characters of canonical base64url, 16 bytes), `"all"` and the array of the six group
 * values, each of its group's shape. It is not checked to be canonical: the verifier hashes the
 * text as it came, so only the text the issuer hashed can match. Licence rules are not checked
 * here.
 * @returns the six values.
 * @throws {LicenceError} `ERR_MALFORMED`, naming `what`.
 */
export function parseWholeDisclosure(text: string, what: string): GroupValue[] {
  const value = parseJson(text, what);
  if (!Array.isArray(value) || value.length !== 3)
    throw malformed(what, 'an array of the salt, "all" and the six values');
  const [salt, name, values] = value as unknown[];
  if (typeof salt !== 'string' || salt.length !== SALT_TEXT_LENGTH)
    throw malformed(`${what} salt`, `${SALT_TEXT_LENGTH} characters of base64url`);
  decodeBase64url(salt, `${what} salt`);
  if (name !== 'all') throw malformed(`${what} name`, '"all"');
  if (!Array.isArray(values) || values.length !== GROUP_COUNT)
    throw malformed(`${what} values`, `an array of ${GROUP_COUNT} group values`);
  values.forEach((v: unknown, g) => {
    checkShape(v, g as GroupIndex, `${what} values [${g}] (${GROUP_NAMES[g as GroupIndex]})`);
  });
  return values as GroupValue[];
}

/** Characters of a 16-byte salt in base64url. */
const SALT_TEXT_LENGTH = 22;

function checkShape(value: unknown, group: GroupIndex, what: string): void {
  const name = GROUP_NAMES[group];
  if (name === 'age_over_18' || name === 'age_over_60') {
    if (typeof value !== 'boolean') throw malformed(what, 'a boolean');
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(what, 'an object');
  const keys = Object.keys(value);
  const members: readonly string[] = GROUP_MEMBERS[name];
  const expected = name === 'holder' && !keys.includes('ph') ? ['nm'] : members;
  if (!sameKeys(keys, expected))
    throw malformed(what, `the members ${expected.join(', ')} in this order`);
  const record = value as Record<string, unknown>;
  for (const key of expected) {
    const member = record[key];
    const ok =
      key === 'pt'
        ? typeof member === 'number'
        : key === 'cl'
          ? Array.isArray(member) && member.every((c) => typeof c === 'string')
          : typeof member === 'string';
    if (!ok)
      throw malformed(
        `${what}.${key}`,
        key === 'pt' ? 'a number' : key === 'cl' ? 'a list of strings' : 'a string',
      );
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function malformed(what: string, expected: string): LicenceError {
  return new LicenceError('ERR_MALFORMED', `${what}: expected ${expected}, found another value`);
}
