import chineseDays from 'chinese-days';
import { chinaDate } from '../../shared/china-time.js';

/** China Standard Time is UTC+8 all year (no daylight saving since 1991); see shared/china-time.ts. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Bounds on `workingDays`: the domain promise is 1 working day (docs/DOMAIN.md §1.6); 10 is a
 * sanity cap.
 */
export const MIN_REVIEW_WORKING_DAYS = 1;
export const MAX_REVIEW_WORKING_DAYS = 10;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Names chinese-days gives a day that is in none of its tables (an ordinary weekday or weekend). */
const WEEKDAY_NAMES: readonly string[] = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function parseIsoDate(date: string): CalendarDate {
  const match = ISO_DATE.exec(date);
  if (match === null) {
    throw new RangeError(`expected a date as YYYY-MM-DD, found ${JSON.stringify(date)}`);
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  // Round-trip rejects dates that do not exist (2025-02-30) instead of letting Date roll them over.
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day
  ) {
    throw new RangeError(`expected an existing calendar date, found ${date}`);
  }
  return { year, month, day };
}

function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function nextDay({ year, month, day }: CalendarDate): CalendarDate {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/**
 * The date as chinese-days must receive it. chinese-days 1.5.7 parses a `YYYY-MM-DD` string as UTC
 * midnight but reads it back with local-time getters, so west of UTC it looks up the previous day.
 * A `Date` at local noon reads back as the intended date in every host time zone.
 */
function forChineseDays({ year, month, day }: CalendarDate): Date {
  return new Date(year, month - 1, day, 12);
}

/**
 * Whether chinese-days holds the State Council's holiday arrangement for `year`. The arrangement is
 * published a whole year at a time, and 1 January (元旦) is a statutory holiday in every year, so
 * the year is known exactly when 1 January is in the package's holiday table; for an unknown year
 * the package silently falls back to Monday–Friday, which is a guess we refuse to build on.
 * chinese-days 1.5.7 covers 2004–2026 (verified in the tests).
 */
function hasHolidayData(year: number): boolean {
  const detail = chineseDays.getDayDetail(forChineseDays({ year, month: 1, day: 1 }));
  return !detail.work && !WEEKDAY_NAMES.includes(detail.name);
}

function isWorkingCalendarDay(date: CalendarDate): boolean {
  if (!hasHolidayData(date.year)) {
    throw new RangeError(
      `expected a year with published holiday data in chinese-days, found ${date.year} (for ${formatIsoDate(date)})`,
    );
  }
  return chineseDays.isWorkday(forChineseDays(date));
}

/**
 * Whether `date` (a calendar date in China, `YYYY-MM-DD`) is a working day: Monday to Friday unless
 * a statutory holiday, plus the make-up working Saturdays and Sundays (调休) of the State Council's
 * yearly arrangement, as recorded in chinese-days.
 *
 * @example isWorkingDay('2025-09-28') // true: a Sunday worked in exchange for the National Day break
 * @throws {RangeError} when `date` is not an existing `YYYY-MM-DD` date, or chinese-days has no
 *   holiday data for its year (1.5.7 covers 2004–2026).
 */
export function isWorkingDay(date: string): boolean {
  return isWorkingCalendarDay(parseIsoDate(date));
}

/**
 * When staff must have reviewed a photo submission: traffic police review a photo "within 1 working
 * day" (docs/DOMAIN.md §1.6).
 *
 * Rule: the deadline is the end of the `workingDays`-th working day strictly after the calendar day
 * (China time, UTC+8) on which the photo was submitted. The submission day itself never counts,
 * whatever time it arrived. A submission on a non-working day therefore counts from the next working
 * day the same way: a Saturday submission (outside 调休) is due at the end of the first working day
 * after it, normally the Monday. "End" is 23:59:59.999 China time, returned as the instant 1 ms
 * before 00:00 UTC+8 of the following calendar day. Working days come only from chinese-days (see
 * {@link isWorkingDay}).
 *
 * @example reviewDeadline(new Date('2025-09-30T15:00:00+08:00')) // 2025-10-09T23:59:59.999+08:00
 * @param submittedAt the instant the photo was submitted.
 * @param workingDays how many working days staff have; an integer from 1 to 10.
 * @throws {TypeError} when `submittedAt` is not a `Date`.
 * @throws {RangeError} when `submittedAt` is an invalid date, `workingDays` is not an integer from 1
 *   to 10, or chinese-days has no holiday data for a year the count passes through (1.5.7 covers
 *   2004–2026): a deadline is never computed on a guessed calendar.
 */
export function reviewDeadline(submittedAt: Date, workingDays = MIN_REVIEW_WORKING_DAYS): Date {
  if (
    !Number.isInteger(workingDays) ||
    workingDays < MIN_REVIEW_WORKING_DAYS ||
    workingDays > MAX_REVIEW_WORKING_DAYS
  ) {
    throw new RangeError(
      `expected workingDays to be an integer from ${MIN_REVIEW_WORKING_DAYS} to ${MAX_REVIEW_WORKING_DAYS}, found ${String(workingDays)}`,
    );
  }
  let day = parseIsoDate(chinaDate(submittedAt));
  // The submission day's own year must be known too: whether it was a working day does not change
  // the rule, but an unknown year means the days after it are unknown as well.
  if (!hasHolidayData(day.year)) {
    throw new RangeError(
      `expected a submission in a year with published holiday data in chinese-days, found ${day.year}`,
    );
  }
  let remaining = workingDays;
  while (remaining > 0) {
    day = nextDay(day);
    if (isWorkingCalendarDay(day)) {
      remaining -= 1;
    }
  }
  const endOfDayUtc = Date.UTC(day.year, day.month - 1, day.day) + DAY_MS - CHINA_OFFSET_MS - 1;
  return new Date(endOfDayUtc);
}
