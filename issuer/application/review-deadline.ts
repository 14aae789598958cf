import { chinaDate } from '../../shared/china-time.js';
import { isWeekend, nextDay, parseIsoDate, type CalendarDate } from '../calendar/calendar-date.js';
import { workingCalendar, type WorkingCalendar } from '../calendar/working-calendar.js';

/** China Standard Time is UTC+8 all year (no daylight saving since 1991); see shared/china-time.ts. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Bounds on `workingDays`: the domain promise is 1 working day (docs/DOMAIN.md §1.6); 10 is a
 * sanity cap.
 */
export const MIN_REVIEW_WORKING_DAYS = 1;
export const MAX_REVIEW_WORKING_DAYS = 10;

let packageCalendar: WorkingCalendar | undefined;

/** chinese-days alone, without a working calendar file: the default of the functions below. */
function defaultCalendar(): WorkingCalendar {
  packageCalendar ??= workingCalendar();
  return packageCalendar;
}

/**
 * Whether `date` (a calendar date in China, `YYYY-MM-DD`) is a working day: Monday to Friday unless
 * a statutory holiday, plus the make-up working Saturdays and Sundays (调休) of the State Council's
 * yearly arrangement, as recorded in chinese-days or the working calendar file.
 *
 * @example isWorkingDay('2025-09-28') // true: a Sunday worked in exchange for the National Day break
 * @param calendar the working calendar; default chinese-days alone.
 * @throws {RangeError} when `date` is not an existing `YYYY-MM-DD` date, or the calendar has no
 *   arrangement for its year (chinese-days 1.5.7 covers 2004–2026).
 */
export function isWorkingDay(date: string, calendar = defaultCalendar()): boolean {
  const day = parseIsoDate(date);
  const working = calendar.isWorkingDay(day);
  if (working === undefined) {
    throw new RangeError(
      `expected a year with a published holiday arrangement (${calendar.firstYear}–${calendar.lastYear}), found ${day.year} (for ${date})`,
    );
  }
  return working;
}

/** A review deadline, and whether it rests on a guess. */
export interface ReviewDeadline {
  /** The last instant of the deadline's day, China time. */
  readonly at: Date;
  /**
   * The count passed a day whose year has no published arrangement, where Monday to Friday
   * were taken as the working days: the real deadline may differ once the State Council
   * publishes that year's holidays. Exactly when the deadline's day is after
   * {@link WorkingCalendar.coversUntil} (the known years are one unbroken run).
   */
  readonly provisional: boolean;
}

/** Whether `date` counts as a working day, and whether that is known or only Monday–Friday. */
function countDay(
  date: CalendarDate,
  calendar: WorkingCalendar,
): { working: boolean; known: boolean } {
  const working = calendar.isWorkingDay(date);
  return working === undefined
    ? { working: !isWeekend(date), known: false }
    : { working, known: true };
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
 * before 00:00 UTC+8 of the following calendar day. Working days come from `calendar` (see
 * {@link isWorkingDay}); beyond it, Monday to Friday are counted and the deadline is
 * `provisional`: never an error, because a submission must not be refused or left without a
 * deadline while the next year's arrangement is unpublished.
 *
 * @example reviewDeadline(new Date('2025-09-30T15:00:00+08:00')).at // 2025-10-09T23:59:59.999+08:00
 * @param submittedAt the instant the photo was submitted.
 * @param workingDays how many working days staff have; an integer from 1 to 10.
 * @param calendar the working calendar; default chinese-days alone.
 * @throws {TypeError} when `submittedAt` is not a `Date`.
 * @throws {RangeError} when `submittedAt` is an invalid date or `workingDays` is not an integer
 *   from 1 to 10.
 */
export function reviewDeadline(
  submittedAt: Date,
  workingDays = MIN_REVIEW_WORKING_DAYS,
  calendar = defaultCalendar(),
): ReviewDeadline {
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
  let remaining = workingDays;
  let provisional = false;
  while (remaining > 0) {
    day = nextDay(day);
    const counted = countDay(day, calendar);
    if (!counted.known) provisional = true;
    if (counted.working) remaining -= 1;
  }
  const endOfDayUtc = Date.UTC(day.year, day.month - 1, day.day) + DAY_MS - CHINA_OFFSET_MS - 1;
  return { at: new Date(endOfDayUtc), provisional };
}

/**
 * Whether a stored deadline (seconds since the epoch) is provisional under `calendar`: its day,
 * China time, is after the last day the calendar covers. The service recomputes the deadlines
 * of submitted applications at start (recompute-deadlines.ts), so a stored deadline within
 * the calendar was counted with the arrangement, and one beyond it with Monday–Friday.
 */
export function isProvisionalDeadline(deadline: number, calendar: WorkingCalendar): boolean {
  return chinaDate(new Date(deadline * 1000)) > calendar.coversUntil;
}
