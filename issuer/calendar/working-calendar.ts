import chineseDays from 'chinese-days';
import { formatIsoDate, isWeekend, WEEKDAY_NAMES, type CalendarDate } from './calendar-date.js';

/** One day of a year's arrangement: its date (`YYYY-MM-DD`) and, if given, its name. */
export interface ArrangedDay {
  readonly date: string;
  readonly name?: string;
}

/**
 * The State Council's arrangement for one year (国务院办公厅关于部分节假日安排的通知): the days
 * off (放假) and the Saturdays and Sundays worked in exchange (调休上班).
 */
export interface YearArrangement {
  readonly year: number;
  /** Days off; a listed Saturday or Sunday changes nothing, it is off anyway. */
  readonly holidays: readonly ArrangedDay[];
  /** Saturdays and Sundays that are working days. */
  readonly workdays: readonly ArrangedDay[];
  /** Where the arrangement was taken from (the notice's title and number), for the operator. */
  readonly source?: string;
}

/**
 * Which days are working days in China, for the years whose arrangement is published: those
 * chinese-days holds, and those an operator loads from the working calendar file (a year in the
 * file takes the place of the package's). The known years are one unbroken run.
 */
export interface WorkingCalendar {
  /** The first and the last year with a known arrangement. */
  readonly firstYear: number;
  readonly lastYear: number;
  /** The last day the calendar covers (`YYYY-MM-DD`): 31 December of {@link lastYear}. */
  readonly coversUntil: string;
  /** The years that come from the working calendar file, in order. */
  readonly fileYears: readonly number[];
  /**
   * Whether `date` is a working day: Monday to Friday unless a holiday, plus the make-up
   * Saturdays and Sundays. `undefined` when the arrangement of its year is not known.
   */
  isWorkingDay(date: CalendarDate): boolean | undefined;
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
 * the package silently falls back to Monday–Friday, which is a guess we refuse to present as
 * the arrangement. chinese-days 1.5.7 covers 2004–2026 (verified in the tests).
 */
function packageKnows(year: number): boolean {
  const detail = chineseDays.getDayDetail(forChineseDays({ year, month: 1, day: 1 }));
  return !detail.work && !WEEKDAY_NAMES.includes(detail.name);
}

/** Years probed for package data: far wider than any release of chinese-days covers. */
const PROBE_FROM = 1990;
const PROBE_TO = 2100;

/** The years of the installed chinese-days, once worked out (the package does not change). */
let probedYears: { readonly first: number; readonly last: number } | undefined;

/**
 * The years chinese-days holds, as one run (first and last), probed once. A package with a gap
 * in its years is one this code was not written for: refused, not guessed around.
 * @throws {Error} when the package holds no year or its years have a gap.
 */
export function packageYears(): { readonly first: number; readonly last: number } {
  if (probedYears !== undefined) return probedYears;
  const years: number[] = [];
  for (let year = PROBE_FROM; year <= PROBE_TO; year += 1) if (packageKnows(year)) years.push(year);
  const first = years[0];
  const last = years[years.length - 1];
  if (first === undefined || last === undefined || last - first + 1 !== years.length)
    throw new Error(
      `chinese-days: expected its holiday data as one unbroken run of years, found ${years.length === 0 ? 'none' : years.join(', ')}`,
    );
  probedYears = { first, last };
  return probedYears;
}

/** The working days of one year from the operator's file. */
function fileYearRule(arrangement: YearArrangement): (date: CalendarDate) => boolean {
  const holidays = new Set(arrangement.holidays.map((d) => d.date));
  const workdays = new Set(arrangement.workdays.map((d) => d.date));
  return (date) => {
    const iso = formatIsoDate(date);
    if (workdays.has(iso)) return true;
    return !isWeekend(date) && !holidays.has(iso);
  };
}

/**
 * The working calendar: chinese-days, with the years of `arrangements` (from the working
 * calendar file, already checked by {@link readCalendarFile}) in place of or after the package's.
 * @throws {RangeError} when the years would not form one unbroken run with the package's (the
 *   file reader refuses such a file first, with its line).
 */
export function workingCalendar(arrangements: readonly YearArrangement[] = []): WorkingCalendar {
  const pkg = packageYears();
  const fromFile = new Map(arrangements.map((a) => [a.year, fileYearRule(a)]));
  const years = new Set<number>(fromFile.keys());
  for (let y = pkg.first; y <= pkg.last; y += 1) years.add(y);
  const sorted = [...years].sort((a, b) => a - b);
  const firstYear = sorted[0] ?? pkg.first;
  const lastYear = sorted[sorted.length - 1] ?? pkg.last;
  if (lastYear - firstYear + 1 !== sorted.length)
    throw new RangeError(
      `expected the working calendar's years without a gap, found ${sorted.join(', ')}`,
    );
  return {
    firstYear,
    lastYear,
    coversUntil: `${String(lastYear).padStart(4, '0')}-12-31`,
    fileYears: [...fromFile.keys()].sort((a, b) => a - b),
    isWorkingDay(date) {
      const rule = fromFile.get(date.year);
      if (rule !== undefined) return rule(date);
      if (date.year < pkg.first || date.year > pkg.last) return undefined;
      return chineseDays.isWorkday(forChineseDays(date));
    },
  };
}
