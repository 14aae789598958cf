import type { Lang } from '../../shared/web/i18n.js';

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
