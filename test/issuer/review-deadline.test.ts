import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  isProvisionalDeadline,
  isWorkingDay,
  reviewDeadline,
  type ReviewDeadline,
} from '../../issuer/application/review-deadline.js';
import { parseCalendarFile } from '../../issuer/calendar/read-calendar-file.js';
import { workingCalendar } from '../../issuer/calendar/working-calendar.js';

/**
 * Asks chinese-days directly (not through the code under test) so a wrong assumption about the
 * State Council's arrangement fails loudly. A local-noon Date, because the package misreads
 * `YYYY-MM-DD` strings west of UTC.
 */
function packageSays(date: string): { work: boolean; name: string } {
  const [year, month, day] = date.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) throw new Error(date);
  const detail = chineseDays.getDayDetail(new Date(year, month - 1, day, 12));
  expect(detail.date).toBe(date);
  return detail;
}

/** A deadline counted on a published arrangement only. */
function known(at: string): ReviewDeadline {
  return { at: new Date(at), provisional: false };
}

/** Asserts that an application submitted at `submitted` is due at `due`, a known deadline. */
function expectDue(submitted: string, due: string): void {
  expect(reviewDeadline(new Date(submitted))).toEqual(known(due));
}

function expectWorkdays(days: Record<string, boolean>): void {
  for (const [date, work] of Object.entries(days)) {
    expect({ date, work: packageSays(date).work }).toEqual({ date, work });
  }
}

describe('reviewDeadline', () => {
  it('when submitted on Tuesday 2025-09-30, the last working day before National Day, then due at the end of 2025-10-09', () => {
    expectWorkdays({
      '2025-09-30': true,
      '2025-10-01': false,
      '2025-10-04': false,
      '2025-10-08': false,
      '2025-10-09': true,
    });
    expectDue('2025-09-30T15:00:00+08:00', '2025-10-09T23:59:59.999+08:00');
  });

  it('when submitted during the National Day holiday (2025-10-03), then due at the end of the first working day after it, 2025-10-09', () => {
    expectDue('2025-10-03T10:00:00+08:00', '2025-10-09T23:59:59.999+08:00');
  });

  it('when submitted on make-up working Sunday 2025-09-28 (调休), then due at the end of Monday 2025-09-29', () => {
    expect(new Date('2025-09-28T12:00:00+08:00').getUTCDay()).toBe(0);
    expect(packageSays('2025-09-28')).toEqual({
      date: '2025-09-28',
      work: true,
      name: expect.stringContaining('国庆节') as unknown,
    });
    expectWorkdays({ '2025-09-29': true });
    expectDue('2025-09-28T09:30:00+08:00', '2025-09-29T23:59:59.999+08:00');
  });

  it('when submitted on make-up working Saturday 2025-10-11, then due at the end of Monday 2025-10-13, skipping the ordinary Sunday', () => {
    expect(new Date('2025-10-11T12:00:00+08:00').getUTCDay()).toBe(6);
    expectWorkdays({ '2025-10-11': true, '2025-10-12': false, '2025-10-13': true });
    expectDue('2025-10-11T17:00:00+08:00', '2025-10-13T23:59:59.999+08:00');
  });

  it('when submitted on Friday 2025-11-14 before an ordinary weekend, then due at the end of Monday 2025-11-17', () => {
    expectWorkdays({
      '2025-11-14': true,
      '2025-11-15': false,
      '2025-11-16': false,
      '2025-11-17': true,
    });
    expectDue('2025-11-14T16:45:00+08:00', '2025-11-17T23:59:59.999+08:00');
  });

  it('when submitted on an ordinary Saturday (2025-11-15), then due at the end of the first working day after it, Monday 2025-11-17', () => {
    expectDue('2025-11-15T08:00:00+08:00', '2025-11-17T23:59:59.999+08:00');
  });

  it('when submitted on make-up Saturday 2026-02-14, the last working day before Spring Festival 2026, then due at the end of 2026-02-24', () => {
    expectWorkdays({
      '2026-02-14': true,
      '2026-02-15': false,
      '2026-02-17': false,
      '2026-02-23': false,
      '2026-02-24': true,
    });
    expect(packageSays('2026-02-17').name).toContain('春节');
    expectDue('2026-02-14T11:00:00+08:00', '2026-02-24T23:59:59.999+08:00');
  });

  it('when submitted on Friday 2026-02-13, then due at the end of make-up Saturday 2026-02-14', () => {
    expectDue('2026-02-13T11:00:00+08:00', '2026-02-14T23:59:59.999+08:00');
  });

  it.each([
    // (submittedAt, expected): why
    [
      '2025-09-30T15:59:59Z',
      '2025-10-09T23:59:59.999+08:00',
      '23:59:59 on 09-30 China time: a working day, next one is 10-09',
    ],
    [
      '2025-09-30T16:00:00Z',
      '2025-10-09T23:59:59.999+08:00',
      '00:00 on 10-01 China time: a holiday, next working day is 10-09',
    ],
    [
      '2025-09-28T15:59:59.999Z',
      '2025-09-29T23:59:59.999+08:00',
      'last ms of Sunday 09-28 China time: next working day is 09-29',
    ],
    [
      '2025-09-28T16:00:00Z',
      '2025-09-30T23:59:59.999+08:00',
      '00:00 on Monday 09-29 China time (still 09-28 in UTC): next working day is 09-30',
    ],
  ])(
    'when submitted at %s, then due at %s (%s)',
    (submittedAt: string, expected: string, _why: string) => {
      expect(reviewDeadline(new Date(submittedAt))).toEqual(known(expected));
    },
  );

  it('when the deadline is computed, then it is the instant 1 ms before 00:00 China time of the next day', () => {
    const deadline = reviewDeadline(new Date('2025-11-14T16:45:00+08:00')).at;
    expect(deadline.getTime() + 1).toBe(Date.parse('2025-11-18T00:00:00+08:00'));
    expect(deadline.toISOString()).toBe('2025-11-17T15:59:59.999Z');
  });

  it('when workingDays is 2, then due at the end of the second working day after submission', () => {
    expectWorkdays({ '2025-10-10': true });
    expect(reviewDeadline(new Date('2025-09-30T15:00:00+08:00'), 2)).toEqual(
      known('2025-10-10T23:59:59.999+08:00'),
    );
    expect(reviewDeadline(new Date('2025-11-14T16:45:00+08:00'), 2)).toEqual(
      known('2025-11-18T23:59:59.999+08:00'),
    );
  });

  it('when workingDays is 10, then the count runs across a holiday and its make-up Saturday', () => {
    // Working days after 09-30: 10-09, 10-10, 10-11 (make-up Sat), 10-13..10-17, 10-20, 10-21.
    expect(reviewDeadline(new Date('2025-09-30T15:00:00+08:00'), 10)).toEqual(
      known('2025-10-21T23:59:59.999+08:00'),
    );
  });

  it.each([
    // (workingDays): why
    [0, 'below the minimum of 1'],
    [11, 'above the maximum of 10'],
    [1.5, 'not an integer'],
    [Number.NaN, 'not a number'],
    [Number.POSITIVE_INFINITY, 'not finite'],
  ])('when workingDays is %s (%s), then a RangeError', (workingDays: number, _why: string) => {
    expect(() => reviewDeadline(new Date('2025-11-14T10:00:00+08:00'), workingDays)).toThrow(
      RangeError,
    );
  });

  it('when submittedAt is an invalid Date, then a RangeError', () => {
    expect(() => reviewDeadline(new Date('not a date'))).toThrow(RangeError);
  });

  it('when submittedAt is not a Date, then a TypeError', () => {
    expect(() => reviewDeadline('2025-11-14' as unknown as Date)).toThrow(TypeError);
  });

  it.each([
    // (submittedAt, workingDays, expected): why
    [
      '2026-12-31T10:00:00+08:00',
      1,
      '2027-01-01T23:59:59.999+08:00',
      'regression: threw; 2027 is unknown, Friday 01-01 counts as a working day',
    ],
    [
      '2026-12-30T10:00:00+08:00',
      2,
      '2027-01-01T23:59:59.999+08:00',
      '12-31 is known, the second working day falls in 2027',
    ],
    [
      '2027-01-05T10:00:00+08:00',
      1,
      '2027-01-06T23:59:59.999+08:00',
      'a submission in an unknown year: Tuesday to Wednesday',
    ],
    [
      '2027-01-08T10:00:00+08:00',
      1,
      '2027-01-11T23:59:59.999+08:00',
      'Friday in an unknown year: the weekend is skipped, Monday',
    ],
    [
      '2027-01-08T10:00:00+08:00',
      3,
      '2027-01-13T23:59:59.999+08:00',
      'three weekdays after a Friday',
    ],
  ])(
    'when submitted at %s with workingDays %s beyond chinese-days, then due at %s, Monday to Friday and provisional (%s)',
    (submittedAt: string, workingDays: number, expected: string, _why: string) => {
      expect(reviewDeadline(new Date(submittedAt), workingDays)).toEqual({
        at: new Date(expected),
        provisional: true,
      });
    },
  );

  it('when submitted late in the last covered year but due within it, then a deadline', () => {
    expectWorkdays({ '2026-12-30': true, '2026-12-31': true });
    expectDue('2026-12-30T10:00:00+08:00', '2026-12-31T23:59:59.999+08:00');
  });
});

describe('isWorkingDay', () => {
  it('when asked about make-up days, holidays and ordinary days, then it agrees with chinese-days', () => {
    for (const date of ['2025-09-28', '2025-10-01', '2025-10-11', '2025-11-15', '2026-02-24']) {
      expect({ date, work: isWorkingDay(date) }).toEqual({ date, work: packageSays(date).work });
    }
  });

  it('when the host time zone is west of UTC, then the answer is still for the China date asked', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(new Date(2025, 8, 28, 12).getTimezoneOffset()).toBeGreaterThan(0);
      expect(isWorkingDay('2025-09-28')).toBe(true);
      expect(isWorkingDay('2025-09-27')).toBe(false);
      expect(isWorkingDay('2025-10-09')).toBe(true);
      expectDue('2025-09-30T15:00:00+08:00', '2025-10-09T23:59:59.999+08:00');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('when asked about each year from 2004 to 2026, then it answers; 2003 and 2027, then a RangeError', () => {
    for (let year = 2004; year <= 2026; year += 1) {
      expect(() => isWorkingDay(`${year}-06-15`)).not.toThrow();
    }
    expect(() => isWorkingDay('2003-12-31')).toThrow(RangeError);
    expect(() => isWorkingDay('2027-01-04')).toThrow(RangeError);
  });

  it.each([
    // (input): why
    ['2025-9-28', 'month and day not zero-padded'],
    ['2025-02-30', 'no such date'],
    [' 2025-09-28', 'leading space'],
    ['2025-09-28T00:00', 'a time is not a date'],
    ['', 'empty'],
  ])('when given %j (%s), then a RangeError', (input: string, _why: string) => {
    expect(() => isWorkingDay(input)).toThrow(RangeError);
  });
});

/** The made-up 2027 of test/fixtures (not the State Council's): see its README. */
const FIXTURE = new URL('../fixtures/working-calendar-test-2027.json', import.meta.url);
const with2027 = workingCalendar(parseCalendarFile(readFileSync(FIXTURE), FIXTURE.pathname));

describe('reviewDeadline with a working calendar file', () => {
  it.each([
    // (submittedAt, expected): why
    [
      '2026-12-31T10:00:00+08:00',
      '2027-01-04T23:59:59.999+08:00',
      'Thursday; 元旦 01-01 to 01-03 off: Monday 01-04',
    ],
    [
      '2027-02-05T10:00:00+08:00',
      '2027-02-15T23:59:59.999+08:00',
      'Friday before the fixture Spring Festival 02-06 to 02-12: Monday 02-15',
    ],
    [
      '2027-02-19T10:00:00+08:00',
      '2027-02-20T23:59:59.999+08:00',
      'Friday before the make-up working Saturday 02-20',
    ],
    [
      '2027-02-20T10:00:00+08:00',
      '2027-02-22T23:59:59.999+08:00',
      'on the make-up Saturday itself: the Sunday is off, Monday',
    ],
  ])(
    'when submitted at %s, then due at %s and not provisional (%s)',
    (submittedAt: string, expected: string, _why: string) => {
      expect(reviewDeadline(new Date(submittedAt), 1, with2027)).toEqual(known(expected));
    },
  );

  it("when the count runs past the file's last year, then Monday to Friday again and provisional", () => {
    // Friday 2027-12-31; 2028 is in neither the package nor the file: Saturday and Sunday skipped.
    expect(reviewDeadline(new Date('2027-12-31T10:00:00+08:00'), 1, with2027)).toEqual({
      at: new Date('2028-01-03T23:59:59.999+08:00'),
      provisional: true,
    });
  });

  it("when the file holds a year chinese-days holds too, then the file's arrangement is the one used", () => {
    const overridden = workingCalendar([
      {
        year: 2026,
        holidays: [{ date: '2026-01-01' }, { date: '2026-12-31', name: 'test: a made-up day off' }],
        workdays: [],
      },
    ]);
    expectDue('2026-12-30T10:00:00+08:00', '2026-12-31T23:59:59.999+08:00');
    expect(reviewDeadline(new Date('2026-12-30T10:00:00+08:00'), 1, overridden)).toEqual({
      at: new Date('2027-01-01T23:59:59.999+08:00'),
      provisional: true,
    });
    // Spring Festival 2026 (chinese-days: 02-15 to 02-23 off) is gone from the file's 2026.
    expect(isWorkingDay('2026-02-16', overridden)).toBe(true);
    expect(isWorkingDay('2026-02-14', overridden)).toBe(false);
  });

  it('when a stored deadline is after the last covered day, then it is provisional; on or before, not', () => {
    const deadline = (iso: string) => Date.parse(iso) / 1000;
    const packageOnly = workingCalendar();
    expect(packageOnly.coversUntil).toBe('2026-12-31');
    expect(with2027.coversUntil).toBe('2027-12-31');
    expect(isProvisionalDeadline(deadline('2026-12-31T23:59:59+08:00'), packageOnly)).toBe(false);
    expect(isProvisionalDeadline(deadline('2027-01-01T23:59:59+08:00'), packageOnly)).toBe(true);
    expect(isProvisionalDeadline(deadline('2027-01-04T23:59:59+08:00'), with2027)).toBe(false);
    expect(isProvisionalDeadline(deadline('2028-01-03T23:59:59+08:00'), with2027)).toBe(true);
  });
});

describe('workingCalendar', () => {
  it('when built from chinese-days alone, then it covers 2004 to 2026 and no file years', () => {
    const calendar = workingCalendar();
    expect({
      firstYear: calendar.firstYear,
      lastYear: calendar.lastYear,
      coversUntil: calendar.coversUntil,
      fileYears: calendar.fileYears,
    }).toEqual({ firstYear: 2004, lastYear: 2026, coversUntil: '2026-12-31', fileYears: [] });
  });

  it('when the file years leave a gap after chinese-days, then a RangeError', () => {
    expect(() =>
      workingCalendar([{ year: 2028, holidays: [{ date: '2028-01-01' }], workdays: [] }]),
    ).toThrow(RangeError);
  });

  it('when asked about a day of a year it does not know, then undefined, never a guess', () => {
    expect(with2027.isWorkingDay({ year: 2028, month: 1, day: 4 })).toBeUndefined();
    expect(with2027.isWorkingDay({ year: 2003, month: 6, day: 2 })).toBeUndefined();
    expect(with2027.isWorkingDay({ year: 2027, month: 2, day: 20 })).toBe(true);
    expect(with2027.isWorkingDay({ year: 2027, month: 2, day: 8 })).toBe(false);
  });
});
