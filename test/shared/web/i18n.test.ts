/**
 * The apps' words: values put in, and in English a one-letter prefix ("e-licence") that never
 * ends a line on its own.
 */
import { describe, expect, it } from 'vitest';
import { NON_BREAKING_HYPHEN, say } from '../../../shared/web/i18n.js';

const NB = NON_BREAKING_HYPHEN;

describe('say', () => {
  it('when the words have marks, then each is replaced from the values and one without a value stays', () => {
    expect(
      say({ zh: '有效期至 {date}（{zone}）', en: 'valid to {date}' }, 'zh', { date: '2026-12-08' }),
    ).toBe('有效期至 2026-12-08（{zone}）');
  });

  it.each([
    ['the e-licence cannot be shown', `the e${NB}licence cannot be shown`],
    ['E-licence codes', `E${NB}licence codes`],
    [
      'Scan again: the e-licence code (e-mail us)',
      `Scan again: the e${NB}licence code (e${NB}mail us)`,
    ],
    // Not a one-letter prefix: a hyphen a line may break at, as written.
    ['real-person check, sign-in, re-apply', 'real-person check, sign-in, re-apply'],
    ['on 2026-12-08', 'on 2026-12-08'],
    ['a 2-day wait; x2-e', 'a 2-day wait; x2-e'],
  ])('when the English is %j, then the screen gets %j', (en, expected) => {
    expect(say({ zh: '', en }, 'en')).toBe(expected);
  });

  it('when a value has a one-letter prefix, then it is put in as it is: only the words change', () => {
    expect(say({ zh: '', en: 'the e-licence of {name}' }, 'en', { name: 'A-B' })).toBe(
      `the e${NB}licence of A-B`,
    );
  });

  it('when the words are Chinese, then nothing but the values changes', () => {
    expect(say({ zh: '电子驾驶证 e-licence', en: '' }, 'zh')).toBe('电子驾驶证 e-licence');
  });
});
