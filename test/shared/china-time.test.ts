/** When to come back, as the apps say it: China time, to the minute, from the service's seconds. */
import { describe, expect, it } from 'vitest';
import { chinaDateTime, chinaTimeAfter } from '../../shared/china-time.js';
import { problemValues } from '../../shared/web/i18n.js';

describe('chinaTimeAfter', () => {
  it.each([
    // 15:30:10 in China, 15 minutes on: rounded up to the minute.
    ['2026-12-06T07:30:10Z', 900, '15:46'],
    ['2026-12-06T07:30:00Z', 900, '15:45'],
    ['2026-12-06T07:30:00Z', 1, '15:31'],
    // Past midnight in China: the date too.
    ['2026-12-06T15:50:00Z', 900, '2026-12-07 00:05'],
    // 23:59 UTC is 07:59 the next day in China: the same China day.
    ['2026-12-06T23:59:00Z', 60, '08:00'],
  ])('when it is %s and the wait is %i s, then %s', (now, seconds, expected) => {
    expect(chinaTimeAfter(Date.parse(now), seconds)).toBe(expected);
  });

  it('when the time is given, then chinaDateTime agrees with it', () => {
    expect(chinaDateTime(Date.parse('2026-12-06T16:30:05Z'))).toBe('2026-12-07 00:30:05');
    expect(chinaDateTime(Date.parse('2026-12-06T16:30:05Z'), 'minute')).toBe('2026-12-07 00:30');
  });
});

describe('problemValues', () => {
  const now = Date.parse('2026-12-06T07:30:10Z');

  it('when a problem has the tries left and the seconds to wait, then {n} and {time}', () => {
    expect(problemValues({ code: 'ERR_SIGN_IN_FAILED', triesLeft: 3 }, now)).toEqual({ n: 3 });
    expect(problemValues({ code: 'ERR_SIGN_IN_LOCKED', retryAfter: 900 }, now)).toEqual({
      time: '15:46',
    });
  });

  it('when a problem has neither, or a value of another type, then no value', () => {
    expect(problemValues({ code: 'ERR_NOT_FOUND' }, now)).toEqual({});
    expect(problemValues({ triesLeft: '3', retryAfter: null }, now)).toEqual({});
  });
});
