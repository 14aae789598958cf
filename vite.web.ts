/*
 * What the three web apps' builds share: the page shell around each app's index.html (its head:
 * charset, viewport, Content-Security-Policy, icons; the stylesheet and the module script), and
 * the service worker's list of files to keep offline. An app's index.html holds only its
 * `<title>` and the markup of its body.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import type { Plugin } from 'vite';

/** How an app's page differs from the others'. */
export interface ShellOptions {
  /** The Content-Security-Policy of the page (also sent as a header by the issuer service). */
  readonly csp: string;
  /** A phone app: full-screen viewport, the theme colour, installable with a manifest. */
  readonly phone: boolean;
  /** Also an icon for the iOS home screen. */
  readonly appleTouchIcon?: boolean;
  /** Kept out of search engines. */
  readonly noindex?: boolean;
}

const TITLE = /<title>[^<]*<\/title>/;

/** Builds the page from the index.html's title and body markup. */
export function pageShell(options: ShellOptions): Plugin {
  return {
    name: 'lz-page-shell',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        const title = TITLE.exec(html)?.[0];
        if (title === undefined) throw new Error('vite.web: expected a <title> in index.html');
        const body = html
          .replace(/<!doctype html>/i, '')
          .replace(TITLE, '')
          .trim();
        const viewport = options.phone
          ? 'width=device-width, initial-scale=1, viewport-fit=cover'
          : 'width=device-width, initial-scale=1';
        const head = [
          '<meta charset="utf-8" />',
          `<meta name="viewport" content="${viewport}" />`,
          `<meta http-equiv="Content-Security-Policy" content="${options.csp}" />`,
          options.phone ? '<meta name="theme-color" content="#0b3d91" />' : '',
          options.noindex === true ? '<meta name="robots" content="noindex" />' : '',
          title,
          options.phone ? '<link rel="manifest" href="./manifest.webmanifest" />' : '',
          '<link rel="icon" href="./icon.svg" type="image/svg+xml" />',
          options.appleTouchIcon === true
            ? '<link rel="apple-touch-icon" href="./icon.svg" />'
            : '',
          '<link rel="stylesheet" href="./style.css" />',
        ].filter((line) => line !== '');
        return [
          '<!doctype html>',
          '<html lang="zh-CN">',
          `<head>\n${head.join('\n')}\n</head>`,
          `<body>\n${body}\n<script type="module" src="./main.ts"></script>\n</body>`,
          '</html>',
          '',
        ].join('\n');
      },
    },
  };
}

/**
 * Writes the app shell's file list (and a version made from it) at the top of sw.js, so that
 * every build with other files is a new service worker (see shared/web/sw-shell.ts).
 */
export function precacheList(publicDir: string): Plugin {
  return {
    name: 'lz-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const sw = bundle['sw.js'];
      if (sw?.type !== 'chunk') throw new Error('vite.web: expected the sw.js chunk');
      const publicFiles = existsSync(publicDir) ? readdirSync(publicDir) : [];
      const files = [
        './',
        ...[...Object.keys(bundle), ...publicFiles]
          .filter((f) => f !== 'sw.js' && !f.endsWith('.map') && f !== 'index.html')
          .sort()
          .map((f) => `./${f}`),
      ];
      const hash = createHash('sha256');
      for (const name of Object.keys(bundle).sort()) {
        const item = bundle[name];
        if (item === undefined || name === 'sw.js') continue;
        hash.update(name).update(item.type === 'chunk' ? item.code : item.source);
      }
      const version = hash.digest('base64url').slice(0, 12);
      sw.code = `self.__LZ_PRECACHE__ = ${JSON.stringify({ version, files })};\n${sw.code}`;
    },
  };
}
