/**
 * Times as the apps show them, in China's time zone (Asia/Shanghai), from milliseconds since the
 * epoch. China Standard Time is UTC+8 all year (no daylight saving since 1991): computed, so the
 * result does not depend on the platform's time-zone database.
 */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

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
