/** A licence record as ISO/IEC 18013-5 mDL data elements. */
import { LONG_TERM, type LicenceClass } from './codes.js';
import type { LicenceRecord } from './record.js';

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
