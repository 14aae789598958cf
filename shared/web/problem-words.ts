/**
 * A problem the service answered, in an app's words: each catalogue holds `err_<code>` texts,
 * whose `{n}` and `{time}` marks take the problem's tries left and when to come back.
 */
import { chinaTimeAfter } from '../china-time.js';
import type { Translator, Values } from './i18n.js';

/**
 * The values a problem from the service puts in its words: `{n}`, the tries left
 * (`triesLeft`); `{time}`, when to come back (`retryAfter` seconds from now on this device's
 * clock, in China time to the minute).
 */
export function problemValues(
  body: Readonly<Record<string, unknown>>,
  nowMs: number = Date.now(),
): Values {
  const { triesLeft, retryAfter } = body;
  return {
    ...(typeof triesLeft === 'number' ? { n: triesLeft } : {}),
    ...(typeof retryAfter === 'number' ? { time: chinaTimeAfter(nowMs, retryAfter) } : {}),
  };
}

/**
 * A problem from the service in the catalogue's words: `err_<code>` with its values
 * ({@link problemValues}), or `err_<code>_none` when it says no tries are left and the catalogue
 * has words for that; `fallback` for a code the catalogue has no words for (never the code itself).
 */
export function problemWords<K extends string>(
  translator: Translator<K>,
  code: string,
  body: Readonly<Record<string, unknown>>,
  fallback: K,
): string {
  const none = `err_${code}_none`;
  if (body.triesLeft === 0 && translator.has(none)) return translator.t(none);
  const key = `err_${code}`;
  return translator.has(key) ? translator.t(key, problemValues(body)) : translator.t(fallback);
}
