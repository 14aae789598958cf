/*
 * The console's words for a review deadline: China time, then 暂定（节假日安排未公布） when it
 * was counted past the working calendar, then 已超期 when it has passed; the same in English.
 */
import { describe, expect, it } from 'vitest';
import { deadlineWords } from '../../../../issuer/web/console/deadline.js';
import { MESSAGES } from '../../../../issuer/web/console/messages.js';

/** Friday 2027-01-01, 23:59:59 China time. */
const DEADLINE = Date.parse('2027-01-01T23:59:59+08:00') / 1000;

describe('deadlineWords', () => {
  it.each([
    // (lang, provisional, overdue, expected): why
    ['zh', false, false, '2027-01-01 23:59', 'counted on a published arrangement, not yet due'],
    ['zh', true, false, '2027-01-01 23:59 · 暂定（节假日安排未公布）', 'provisional'],
    ['zh', true, true, '2027-01-01 23:59 · 暂定（节假日安排未公布） · 已超期', 'both marks'],
    ['zh', false, true, '2027-01-01 23:59 · 已超期', 'overdue only'],
    [
      'en',
      true,
      false,
      '2027-01-01 23:59 · provisional (holiday schedule not yet published)',
      'provisional, in English',
    ],
    [
      'en',
      true,
      true,
      '2027-01-01 23:59 · provisional (holiday schedule not yet published) · Overdue',
      'both marks, in English',
    ],
  ] as const)(
    'when the console is in %s, provisional %s and overdue %s, then %j (%s)',
    (lang, provisional, overdue, expected, _why) => {
      expect(
        deadlineWords(
          { deadline: DEADLINE, deadlineProvisional: provisional, overdue },
          (mark) => MESSAGES[mark][lang],
        ),
      ).toBe(expected);
    },
  );
});
