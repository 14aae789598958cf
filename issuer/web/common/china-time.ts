/** China Standard Time is UTC+8 all year; computed, so no time-zone database is needed. */
const OFFSET_MS = 8 * 3600 * 1000;

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:mm` in China time, from seconds since the epoch. */
export function chinaDateTime(seconds: number): string {
  const d = new Date(seconds * 1000 + OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `HH:mm:ss` in China time, from milliseconds since the epoch. */
export function chinaClock(ms: number): string {
  const d = new Date(ms + OFFSET_MS);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
