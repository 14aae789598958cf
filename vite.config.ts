/*
 * The police verifier app (verifier/web/): a static PWA built to dist/web/verifier, which the
 * issuer service mounts at /verifier/ and which can be deployed on any static host. Relative
 * paths (base './') so that it works under any path. The service worker is a second entry,
 * emitted as sw.js with the list of files to keep offline set at its top, so that every build
 * with other files is a new service worker.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./verifier/web/', import.meta.url));

/** Writes the app shell's file list (and a version made from it) into sw.js. */
function precacheList(): Plugin {
  return {
    name: 'lz-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const sw = bundle['sw.js'];
      if (sw?.type !== 'chunk') throw new Error('vite.config: expected the sw.js chunk');
      const publicFiles = readdirSync(`${root}public`);
      const files = [
        './',
        ...[...Object.keys(bundle), ...publicFiles]
          .filter((f) => f !== 'sw.js' && !f.endsWith('.map'))
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

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist/web/verifier/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      input: { main: `${root}index.html`, sw: `${root}sw.ts` },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  plugins: [precacheList()],
});
