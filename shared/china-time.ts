/**
 * China Standard Time is UTC+8 all year: no daylight saving since 1991. Computed arithmetically
 * so the result does not depend on the platform's time-zone database (which a browser or a
 * minimal container may lack or have out of date).
 */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The calendar date in China (UTC+8) at `instant`, as `YYYY-MM-DD`. Licence dates (validity,
 * first issue) are calendar dates in China's time zone, so this is the date to compare them with.
 *
 * @example chinaDate(new Date('2026-11-24T16:00:00Z')) // '2026-11-25'
 * @throws {TypeError} when `instant` is not a `Date`.
 * @throws {RangeError} when `instant` is an invalid date or its Chinese date falls outside the
 *   years 0001–9999 (which `YYYY-MM-DD` cannot express).
 */
export function chinaDate(instant: Date): string {
  if (!(instant instanceof Date)) {
    throw new TypeError(`expected a Date, found ${typeof instant}`);
  }
  const ms = instant.getTime();
  if (Number.isNaN(ms)) {
    throw new RangeError('expected a valid Date, found an invalid Date');
  }
  // Shift the instant by the offset, then read the UTC fields: that is the wall-clock date in China.
  const shifted = new Date(ms + CHINA_OFFSET_MS);
  const year = shifted.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) {
    throw new RangeError(`expected a year 0001–9999 in China's time zone, found ${year}`);
  }
  const month = shifted.getUTCMonth() + 1;
  const day = shifted.getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DDTHH:mm:ss` of the wall clock in China at `ms`. */
function chinaIso(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19);
}

/**
 * `YYYY-MM-DD HH:mm:ss` in China time, or `YYYY-MM-DD HH:mm` to the minute.
 * @example chinaDateTime(Date.UTC(2026, 10, 24, 16, 30, 5)) // '2026-11-25 00:30:05'
 */
export function chinaDateTime(ms: number, to: 'second' | 'minute' = 'second'): string {
  return chinaIso(ms)
    .slice(0, to === 'second' ? 19 : 16)
    .replace('T', ' ');
}

/** `HH:mm:ss` in China time. */
export function chinaClock(ms: number): string {
  return chinaIso(ms).slice(11);
}

/**
 * When to come back, as a person is told: the China-time wall clock `seconds` after `nowMs`,
 * rounded up to the minute; `HH:mm` on the same China day, `YYYY-MM-DD HH:mm` on another.
 * @example chinaTimeAfter(Date.UTC(2026, 11, 6, 7, 30, 10), 900) // '15:46'
 */
export function chinaTimeAfter(nowMs: number, seconds: number): string {
  const at = Math.ceil((nowMs + seconds * 1000) / 60_000) * 60_000;
  const when = chinaDateTime(at, 'minute');
  return when.slice(0, 10) === chinaDateTime(nowMs).slice(0, 10) ? when.slice(11) : when;
}

/**
 * Whole years of a person born on `birthDate` (`YYYY-MM-DD`) at `nowMs` (milliseconds since the
 * epoch), counted on the calendar in China: the birthday is reached on its date in China. One
 * born on 29 February is a year older on 1 March in a common year.
 *
 * @example chinaAge('1990-11-25', Date.parse('2026-11-24T16:00:00Z')) // 36
 * @throws {RangeError} as {@link chinaDate}.
 */
export function chinaAge(birthDate: string, nowMs: number): number {
  const today = chinaDate(new Date(nowMs));
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
