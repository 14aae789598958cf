/** The citizen ID number (GB 11643-1999) that is a licence's number. */
import { isCalendarDate } from './internal/calendar-date.js';

/** GB 11643 §5.2 / ISO 7064 MOD 11-2 weights: 2^(17−i) mod 11 for positions i = 0…16. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for each weighted sum mod 11 (GB 11643 §5.2; 10 is written X). */
const ID_CHECK_CHARACTERS = '10X98765432';
export const ID_LENGTH = 18;
export const SEVENTEEN_DIGITS = /^\d{17}$/;
export const ID_NUMBER_SHAPE = /^\d{17}[\dX]$/;

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
export function encodedBirthDate(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** The 17th character (sequence code) is odd for men, even for women (GB 11643 §4.4). */
export function encodedSex(id: string): 'M' | 'F' {
  return Number(id.charAt(16)) % 2 === 1 ? 'M' : 'F';
}
