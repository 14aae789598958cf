/**
 * When to come back and how many tries are left, as the apps say them: China time, to the
 * minute, from the service's seconds.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chinaDateTime, chinaTimeAfter } from '../../shared/china-time.js';
import { say, type Translator } from '../../shared/web/i18n.js';
import { problemValues, problemWords } from '../../shared/web/problem-words.js';

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

describe('problemWords', () => {
  const catalogue = {
    err_ERR_CODE_WRONG: { zh: '还可尝试 {n} 次', en: '{n} tries left' },
    err_ERR_CODE_WRONG_none: { zh: '请重新获取', en: 'ask for a new one' },
    err_ERR_SIGN_IN_LOCKED: { zh: '已锁定至 {time}', en: 'locked until {time}' },
    error: { zh: '操作未能完成', en: 'That did not work' },
  };
  type Key = keyof typeof catalogue;
  const zh: Translator<Key> = {
    lang: () => 'zh',
    setLang: () => undefined,
    t: (key, values) => say(catalogue[key], 'zh', values),
    say: (words, values) => say(words, 'zh', values),
    has: (key: string): key is Key => Object.hasOwn(catalogue, key),
  };

  // The device's clock, fixed: the time to come back is counted from it (15:30:10 in China).
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-12-06T07:30:10Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['ERR_CODE_WRONG', { triesLeft: 2 }, '还可尝试 2 次'],
    ['ERR_CODE_WRONG', { triesLeft: 0 }, '请重新获取'],
    ['ERR_SIGN_IN_LOCKED', { retryAfter: 600 }, '已锁定至 15:41'],
    ['ERR_SOMETHING_NEW', {}, '操作未能完成'],
  ])('when the service answers %s with %j, then the words are %s', (code, body, expected) => {
    expect(problemWords(zh, code, body, 'error')).toBe(expected);
  });

  it('when the wait ends after midnight in China, then the words give the date too', () => {
    vi.setSystemTime(Date.parse('2026-12-07T15:56:00Z')); // 23:56 in China
    expect(problemWords(zh, 'ERR_SIGN_IN_LOCKED', { retryAfter: 600 }, 'error')).toBe(
      '已锁定至 2026-12-08 00:06',
    );
  });
});
