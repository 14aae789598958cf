/*
 * The service's own web apps (issuer/web/): the driver's app (`--mode app`, served at /app/, a
 * PWA with a service worker) and the reviewers' console (`--mode console`, at /console/), each
 * built to dist/web/<mode> with relative paths. The app's service worker is a second entry,
 * emitted as sw.js with the shell's file list and a version made from the build at its top, so
 * that every build with other files is a new service worker.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** Writes the app shell's file list (and a version made from it) into sw.js. */
function precacheList(publicDir: string): Plugin {
  return {
    name: 'lz-app-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const sw = bundle['sw.js'];
      if (sw?.type !== 'chunk') throw new Error('vite.issuer.config: expected the sw.js chunk');
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
      sourcemap: true,
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
    plugins: withWorker ? [precacheList(`${root}public`)] : [],
  };
});
