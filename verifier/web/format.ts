import type { Words } from '../report.js';

/** The app's two languages; Chinese first. */
export type Lang = 'zh' | 'en';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/**
 * `YYYY-MM-DD HH:mm:ss` in China's time zone (UTC+8 all year, no daylight saving), computed
 * without the platform's time-zone data, like shared/china-time.ts.
 */
export function chinaDateTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** A duration as an officer reads it: 刚刚 / 5 分钟 / 3 小时 / 2 天 (just now / 5 min / …). */
export function formatAge(seconds: number, lang: Lang): string {
  const s = Math.max(0, seconds);
  if (s < 60) return lang === 'zh' ? '刚刚' : 'just now';
  const [n, zh, en] =
    s < 3600
      ? [Math.floor(s / 60), '分钟', 'min']
      : s < 86_400
        ? [Math.floor(s / 3600), '小时', 'h']
        : [Math.floor(s / 86_400), '天', 'd'];
  return lang === 'zh' ? `${n} ${zh}前` : `${n} ${en} ago`;
}

/** The words in the language chosen. */
export function say(words: Words, lang: Lang): string {
  return words[lang];
}
