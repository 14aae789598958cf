/** Where a date falls in a licence's validity period. */
import { LONG_TERM } from './codes.js';
import type { LicenceRecord } from './record.js';
import { isCalendarDate } from './internal/calendar-date.js';
import { quoteIfSafe } from './internal/describe.js';

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
