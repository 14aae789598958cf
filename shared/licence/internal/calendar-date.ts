/** Calendar dates `YYYY-MM-DD`, as every date of a licence record is written. */

export const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is `YYYY-MM-DD` naming a real Gregorian date in the years 0001–9999. */
export function isCalendarDate(s: string): boolean {
  // Character arithmetic, not a regex: this runs several times on every credential verified.
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The value of `count` decimal digits at `start`, or −1 when any is not a digit. */
function digits(s: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
