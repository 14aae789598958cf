/*
 * The police verifier app (verifier/web/): a static PWA built to dist/web/verifier, which the
 * issuer service mounts at /verifier/ and which can be deployed on any static host. Relative
 * paths (base './') so that it works under any path. The page's head and the list of files the
 * service worker (a second entry, emitted as sw.js) keeps offline come from vite.web.ts, as do
 * the brotli and gzip copies of its files and its source maps, kept out in dist/sourcemaps/verifier.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { mapsOutside, pageShell, precacheList, precompress } from './vite.web.js';

const root = fileURLToPath(new URL('./verifier/web/', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist/web/verifier/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: 'hidden',
    rolldownOptions: {
      input: { main: `${root}index.html`, sw: `${root}sw.ts` },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  plugins: [
    pageShell({
      csp: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src 'self' https: http:; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
      phone: true,
    }),
    precacheList(`${root}public`),
    mapsOutside(fileURLToPath(new URL('./dist/sourcemaps/verifier/', import.meta.url))),
    precompress(),
  ],
});
