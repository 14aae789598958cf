/*
 * The service's own web apps (issuer/web/): the driver's app (`--mode app`, served at /app/, a
 * PWA with a service worker) and the reviewers' console (`--mode console`, at /console/), each
 * built to dist/web/<mode> with relative paths. The page's head and the list of files the app's
 * service worker (a second entry, emitted as sw.js) keeps offline come from vite.web.ts, as do
 * the brotli and gzip copies of its files and its source maps, kept out in dist/sourcemaps/<mode>.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import {
  mapsOutside,
  pageShell,
  precacheList,
  precompress,
  type ShellOptions,
} from './vite.web.js';

/** Each app's page (see vite.web.ts). */
const SHELL: Readonly<Record<'app' | 'console', ShellOptions>> = {
  app: {
    csp: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
    phone: true,
    appleTouchIcon: true,
  },
  console: {
    csp: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
    phone: false,
    noindex: true,
  },
};

export default defineConfig(({ mode }) => {
  if (mode !== 'app' && mode !== 'console')
    throw new Error(`vite.issuer.config: expected --mode app or --mode console, found ${mode}`);
  const root = fileURLToPath(new URL(`./issuer/web/${mode}/`, import.meta.url));
  const withWorker = mode === 'app';
  return {
    root,
    base: './',
    publicDir: 'public',
    logLevel: 'warn',
    build: {
      outDir: fileURLToPath(new URL(`./dist/web/${mode}/`, import.meta.url)),
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: 'hidden',
      rolldownOptions: {
        input: withWorker
          ? { main: `${root}index.html`, sw: `${root}sw.ts` }
          : { main: `${root}index.html` },
        output: {
          entryFileNames: (chunk: { name: string }) =>
            chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js',
        },
      },
    },
    plugins: [
      pageShell(SHELL[mode]),
      ...(withWorker ? [precacheList(`${root}public`)] : []),
      mapsOutside(fileURLToPath(new URL(`./dist/sourcemaps/${mode}/`, import.meta.url))),
      precompress(),
    ],
  };
});
