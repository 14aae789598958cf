/** Calendar dates (`YYYY-MM-DD`, no time, no zone) as the working calendar handles them. */

/** A calendar date: its year, month 1–12 and day of the month. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The names of the days of the week, Sunday first (as `Date#getUTCDay` counts). */
export const WEEKDAY_NAMES: readonly string[] = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

/**
 * Reads a `YYYY-MM-DD` date that exists (2025-02-30 does not).
 * @throws {RangeError} saying what was expected and what was found.
 */
export function parseIsoDate(date: string): CalendarDate {
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

/** The date as `YYYY-MM-DD`. */
export function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The day after `date`. */
export function nextDay({ year, month, day }: CalendarDate): CalendarDate {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/** The day of the week of `date`: 0 Sunday … 6 Saturday. */
export function weekday({ year, month, day }: CalendarDate): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Whether `date` is a Saturday or a Sunday. */
export function isWeekend(date: CalendarDate): boolean {
  const d = weekday(date);
  return d === 0 || d === 6;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  const ms = (d: CalendarDate) => Date.UTC(d.year, d.month - 1, d.day);
  return Math.round((ms(to) - ms(from)) / 86_400_000);
}
