/**
 * The service's start page (`GET /`): what the service is and a link to each of its web apps,
 * Chinese first with the English beside it (no script: one page in both languages), its own
 * Content-Security-Policy as the other pages have (its one inline style allowed by its hash).
 */
import { createHash } from 'node:crypto';

/** A web app the page links to: where the service mounts it, and what it is for. */
export interface HomeLink {
  /** Its mount path's name: the link is relative (`app/`), so it works under any prefix. */
  readonly app: 'app' | 'verifier' | 'console';
  readonly zh: { readonly name: string; readonly what: string };
  readonly en: { readonly name: string; readonly what: string };
}

/**
 * The three apps, in the order a visitor most likely wants them. "e-licence" is written with a
 * non-breaking hyphen (U+2011), as the apps write it (shared/web/i18n.ts): no line ends on
 * "the e-".
 */
export const HOME_LINKS: readonly HomeLink[] = [
  {
    app: 'app',
    zh: { name: '亮证（驾驶人）', what: '申领电子驾驶证，向交警或他人出示' },
    en: { name: 'Liangzheng for drivers', what: 'Apply for the e\u2011licence and show it' },
  },
  {
    app: 'verifier',
    zh: { name: '亮证核验（交警）', what: '扫描出示码，核验电子驾驶证' },
    en: { name: 'Licence Check for officers', what: 'Scan a code and verify the e\u2011licence' },
  },
  {
    app: 'console',
    zh: { name: '工作人员控制台', what: '照片审核，驾驶证、账号与设备管理' },
    en: { name: 'Staff console', what: 'Photo review; licences, accounts and devices' },
  },
];

const STYLE = `
:root { font-family: system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; color: #1a1f2b; background: #f3f5f9; line-height: 1.5; }
* { box-sizing: border-box; }
body { margin: 0; }
header { padding: 14px 16px; background: #0b3d91; color: #fff; }
h1 { margin: 0; font-size: 20px; }
h1 span { display: block; font-size: 15px; font-weight: 400; }
main { max-width: 560px; margin: 0 auto; padding: 16px; }
p { margin: 0 0 16px; }
.en { color: #4a5263; font-size: 15px; }
ul { margin: 0; padding: 0; list-style: none; }
li { margin: 0 0 12px; }
a { display: block; min-height: 48px; padding: 14px 16px; border: 1px solid #d5dae3; border-radius: 12px; background: #fff; color: #1a1f2b; text-decoration: none; }
a:focus-visible { outline: 3px solid #0b3d91; outline-offset: 2px; }
.name { display: block; color: #0b3d91; font-size: 19px; font-weight: 700; }
.what { display: block; font-size: 16px; }
`.trim();

/** The page's policy: nothing but its own style; no script, no frame, no form. */
export const HOME_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The policy sent as a header, with frame-ancestors (which a meta tag cannot carry). */
export const HOME_POLICY_HEADER = `${HOME_POLICY}; frame-ancestors 'none'`;

/** Escapes text for HTML (the links are the service's own, but the page is built as text). */
function text(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The start page linking `links` (those of the apps this service serves). */
export function homePage(links: readonly HomeLink[]): string {
  const items = links.map(
    (l) =>
      `<li><a href="${l.app}/"><span class="name">${text(l.zh.name)}</span><span class="what">${text(l.zh.what)}</span><span class="what en" lang="en">${text(l.en.name)}: ${text(l.en.what)}</span></a></li>`,
  );
  return [
    '<!doctype html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    `<meta http-equiv="Content-Security-Policy" content="${HOME_POLICY}" />`,
    '<title>亮证 · 电子驾驶证</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header><h1>亮证 · 电子驾驶证<span lang="en">Liangzheng: the electronic driving licence</span></h1></header>',
    '<main>',
    '<p>请选择要打开的应用。<span class="en" lang="en">Choose the app to open.</span></p>',
    `<ul>${items.join('')}</ul>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
