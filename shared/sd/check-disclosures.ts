/**
 * The disclosure check of a version 2 presentation (FORMAT.md §8.8, between `claims` and
 * `holder_signature`): every disclosed group's digest recomputed against the signed one, then its
 * values by the licence rules.
 */
import { chinaDate } from '../china-time.js';
import { LicenceError } from '../errors.js';
import type { LicenceRecord } from '../licence/record.js';
import { parsePartialLicenceRecord } from '../licence/validate.js';
import type { CryptoBackend } from '../crypto-backend.js';
import { digestOf, disclosureOf, rootFrom, sameBytes, WHOLE, type Leaf } from './disclosure.js';
import {
  ageFlags,
  GROUP_COUNT,
  GROUP_MEMBERS,
  GROUP_NAMES,
  LICENCE_FIELD_OF_MEMBER,
  type GroupIndex,
  type GroupValue,
  type HolderValue,
} from './groups.js';
import type { Writable } from '../writable.js';

/** What a presentation disclosed, checked: the licence elements shown, and what was withheld. */
export interface DisclosedLicence {
  /** The licence fields of the disclosed groups; the others are absent. */
  readonly licence: Partial<LicenceRecord>;
  /** base64url SHA-256 of the portrait, when `holder` is disclosed and the credential has one. */
  readonly portraitHash?: string;
  readonly ageOver18?: boolean;
  readonly ageOver60?: boolean;
  /** The disclosed groups, in index order. */
  readonly disclosed: readonly GroupIndex[];
  /** The groups not disclosed, in index order: shown as 未出示, never guessed. */
  readonly withheld: readonly GroupIndex[];
}

/** The result of {@link checkDisclosures}. */
export interface CheckedDisclosures extends DisclosedLicence {
  /** The disclosures (rebuilt, or the whole one as it came), in order: what `sd_hash` covers. */
  readonly disclosures: readonly string[];
}

/** What of a presentation the disclosure check reads. */
export interface DisclosureParts {
  readonly groups: readonly GroupIndex[];
  /** The whole disclosure D_all as it came, when all six groups are disclosed. */
  readonly whole?: string;
  /** One salt per listed group, when fewer than six are. */
  readonly salts?: readonly Uint8Array[];
  /** The values of the listed groups (of the whole disclosure), in the same order. */
  readonly values: readonly GroupValue[];
  /** The hashes of the withheld subtrees of the digest tree, left to right. */
  readonly withheldNodes: readonly Uint8Array[];
}

const PORTRAIT_HASH = /^[A-Za-z0-9_-]{43}$/;

/**
 * Rebuilds each listed group's disclosure from its salt and value, or takes the whole disclosure
 * as it came, and its digest (the first 16 bytes of its SHA-256); rebuilds the root of the digest
 * tree from those and the withheld subtrees' hashes and compares it with `sd`; then checks the
 * values.
 * @param sd the credential's 16-byte root (verified claims).
 * @param iat the credential's `iat`: the age flags are as of its China date.
 * @throws {LicenceError} `ERR_DISCLOSURE_MISMATCH` at the first group whose digest differs;
 *   `ERR_CLAIMS_INVALID` when the disclosed values break a licence rule.
 */
export function checkDisclosures(
  sd: Uint8Array,
  iat: number,
  parts: DisclosureParts,
  backend: Pick<CryptoBackend, 'sha256'>,
): CheckedDisclosures {
  const { groups, values, whole, salts } = parts;
  const hash = (data: Uint8Array) => backend.sha256(data);
  const disclosures: string[] = [];
  const digests: Uint8Array[] = [];
  if (whole !== undefined) {
    disclosures.push(whole);
    digests[WHOLE] = digestOf(whole, hash);
  } else {
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as GroupIndex;
      const disclosure = disclosureOf(salts?.[i] as Uint8Array, g, values[i] as GroupValue);
      disclosures.push(disclosure);
      digests[g] = digestOf(disclosure, hash);
    }
  }
  const leaves: readonly Leaf[] = whole !== undefined ? [WHOLE] : groups;
  if (!sameBytes(rootFrom(leaves, digests, parts.withheldNodes, hash), sd)) {
    throw new LicenceError(
      'ERR_DISCLOSURE_MISMATCH',
      `disclosures of ${whole !== undefined ? 'all' : groups.map((g) => GROUP_NAMES[g]).join(', ')}: expected the digests the issuer signed, found others`,
    );
  }
  return Object.assign(checkGroupValues(groups, values, iat), { disclosures });
}

/**
 * The licence elements of disclosed group values, checked by the licence rules: each field by
 * its own, cross-field rules when all their fields are disclosed, the age flags against the
 * birth date on the China date of `iat` when both are disclosed.
 * @throws {LicenceError} `ERR_CLAIMS_INVALID`.
 */
export function checkGroupValues(
  groups: readonly GroupIndex[],
  values: readonly GroupValue[],
  iat: number,
): DisclosedLicence {
  const fields: Record<string, unknown> = {};
  let portraitHash: string | undefined;
  let ageOver18: boolean | undefined;
  let ageOver60: boolean | undefined;
  for (let i = 0; i < groups.length; i++) {
    const value = values[i];
    const name = GROUP_NAMES[groups[i] as GroupIndex];
    if (name === 'age_over_18') ageOver18 = value as boolean;
    else if (name === 'age_over_60') ageOver60 = value as boolean;
    else {
      const v = value as unknown as Readonly<Record<string, unknown>>;
      for (const member of GROUP_MEMBERS[name]) {
        if (member === 'ph') portraitHash = (value as HolderValue).ph;
        else fields[LICENCE_FIELD_OF_MEMBER[member]] = v[member];
      }
    }
  }
  let licence: Partial<LicenceRecord>;
  try {
    licence = parsePartialLicenceRecord(fields);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : 'invalid';
    throw new LicenceError('ERR_CLAIMS_INVALID', `disclosed licence data: ${detail}`, { cause });
  }
  if (portraitHash !== undefined && !PORTRAIT_HASH.test(portraitHash)) {
    throw new LicenceError(
      'ERR_CLAIMS_INVALID',
      'disclosed portrait hash: expected 43 characters of base64url',
    );
  }
  if (licence.birthDate !== undefined) {
    const flags = ageFlags(licence.birthDate, chinaDate(new Date(iat * 1000)));
    if (
      (ageOver18 !== undefined && ageOver18 !== flags.ageOver18) ||
      (ageOver60 !== undefined && ageOver60 !== flags.ageOver60)
    ) {
      throw new LicenceError(
        'ERR_CLAIMS_INVALID',
        'disclosed age flags: expected the flags of the birth date on the date of iat, found others',
      );
    }
  }
  const withheld: GroupIndex[] = [];
  for (let g = 0; g < GROUP_COUNT; g++)
    if (!groups.includes(g as GroupIndex)) withheld.push(g as GroupIndex);
  const disclosed: Writable<DisclosedLicence> = { licence, disclosed: [...groups], withheld };
  if (portraitHash !== undefined) disclosed.portraitHash = portraitHash;
  if (ageOver18 !== undefined) disclosed.ageOver18 = ageOver18;
  if (ageOver60 !== undefined) disclosed.ageOver60 = ageOver60;
  return disclosed;
}
