/*
 * What the three web apps' builds share: the page shell around each app's index.html (its head:
 * charset, viewport, Content-Security-Policy, icons; the stylesheet and the module script), the
 * service worker's list of files to keep offline, the brotli and gzip copies of every text file
 * the service then serves by content negotiation, and the source maps kept out of the served
 * folder. An app's index.html holds only its `<title>` and the markup of its body.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

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

/** The files worth compressing: text. Images (PNG, JPEG) are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt)$/;
/** Below this many bytes a compressed copy saves less than the headers it costs. */
const COMPRESS_FROM_BYTES = 512;

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) beside every text file
 * of the finished build, public files included, each only when smaller than the file: the
 * service sends the one the browser accepts (express-static-gzip, issuer/web-apps.ts), so the
 * best compression is paid once, at build time, and never per request. Node's zlib does it in
 * these few lines; a Vite compression plugin would wrap the same calls.
 */
export function precompress(): Plugin {
  let config: ResolvedConfig | undefined;
  return {
    name: 'lz-precompress',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      if (config === undefined) throw new Error('vite.web: precompress ran before its config');
      const outDir = config.build.outDir;
      for (const file of await filesUnder(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const path = join(outDir, file);
        const bytes = await readFile(path);
        if (bytes.length < COMPRESS_FROM_BYTES) continue;
        const [br, gz] = await Promise.all([
          brotli(bytes, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
            },
          }),
          gzipped(bytes, { level: constants.Z_BEST_COMPRESSION }),
        ]);
        if (br.length < bytes.length) await writeFile(`${path}.br`, br);
        if (gz.length < bytes.length) await writeFile(`${path}.gz`, gz);
      }
    },
  };
}

/**
 * Moves the build's source maps out of the folder that is served, to `mapsDir` (the same
 * depth under dist/, so the maps' relative source paths still resolve): ~1 MB a map, for
 * developers, never for a phone. With `build.sourcemap: 'hidden'` the scripts do not name them.
 */
export function mapsOutside(mapsDir: string): Plugin {
  let config: ResolvedConfig | undefined;
  return {
    name: 'lz-maps-outside',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      if (config === undefined) throw new Error('vite.web: mapsOutside ran before its config');
      const outDir = config.build.outDir;
      await rm(mapsDir, { recursive: true, force: true });
      for (const file of await filesUnder(outDir)) {
        if (!file.endsWith('.map')) continue;
        const target = join(mapsDir, file);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, await readFile(join(outDir, file)));
        await rm(join(outDir, file));
      }
    },
  };
}
