/*
 * The response headers that tell browsers how to treat the service: HSTS when it is served over
 * https, the web apps' Content-Security-Policy as a header (with frame-ancestors, which a meta tag
 * cannot carry), and no sniffing or referrers anywhere.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { webAppDir } from '../../issuer/web-apps.js';
import { ENGINES, startService } from './harness.js';
import { useService } from './use-service.js';

/** The policy in the meta tag of a built app's index.html. */
async function metaPolicy(dir: string | undefined): Promise<string> {
  if (dir === undefined) throw new Error('the web apps are not built: npm run build');
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  if (policy === undefined) throw new Error(`${dir}index.html: no policy`);
  return policy;
}

describe.each(ENGINES)('security headers on %s', (engine) => {
  const service = useService(engine);

  it.each([
    ['/app/', () => webAppDir('app')],
    ['/app/manifest.webmanifest', () => webAppDir('app')],
    ['/console/', () => webAppDir('console')],
    ['/verifier/', () => VERIFIER_APP_DIR],
  ])(
    'when %s is fetched, then its Content-Security-Policy header is the page policy with frame-ancestors none',
    async (path, dir) => {
      const reply = await service().client().get(path);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-security-policy')).toBe(
        `${await metaPolicy(dir())}; frame-ancestors 'none'`,
      );
    },
  );

  it.each([
    ['/verifier/', () => VERIFIER_APP_DIR],
    ['/app/', () => webAppDir('app')],
  ])(
    'when the QR reader of %s is fetched, then its .wasm comes from the app’s own assets as application/wasm, the service worker keeps it offline, and the page allows WebAssembly and no other eval',
    async (path, dir) => {
      const sw = await readFile(join(dir() ?? '', 'sw.js'), 'utf8');
      const files = /__LZ_PRECACHE__ = (\{.*?\});/.exec(sw)?.[1];
      if (files === undefined) throw new Error(`${path}sw.js: no precache list`);
      const wasm = (JSON.parse(files) as { files: string[] }).files.filter((f) =>
        f.endsWith('.wasm'),
      );
      expect(wasm).toEqual([expect.stringMatching(/^\.\/assets\/zxing_reader-[\w-]+\.wasm$/)]);
      // Its bytes, which the test client (made for JSON and text) does not keep.
      const reply = await fetch(`${service().url}${path}${(wasm[0] ?? '').slice(2)}`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/wasm');
      // WebAssembly's magic number and version 1.
      expect(Buffer.from(await reply.arrayBuffer()).subarray(0, 8)).toEqual(
        Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
      );
      const scriptSrc = (await metaPolicy(dir()))
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith('script-src '));
      expect(scriptSrc).toBe("script-src 'self' 'wasm-unsafe-eval'");
    },
  );

  it.each(['/app/', '/healthz', '/api/me', '/.well-known/jwks.json'])(
    'when %s is fetched from a service whose PUBLIC_URL is https, then HSTS, nosniff and no-referrer are sent',
    async (path) => {
      const reply = await service().client().get(path);
      expect({
        hsts: reply.headers.get('strict-transport-security'),
        nosniff: reply.headers.get('x-content-type-options'),
        referrer: reply.headers.get('referrer-policy'),
      }).toEqual({
        hsts: 'max-age=31536000; includeSubDomains',
        nosniff: 'nosniff',
        referrer: 'no-referrer',
      });
    },
  );
});

describe('a service on plain http', () => {
  it('when PUBLIC_URL is http, then no HSTS is sent (a browser would keep to https it cannot reach)', async () => {
    const service = await startService('sqlite', { env: { PUBLIC_URL: 'http://localhost:8080' } });
    try {
      const reply = await service.client().get('/healthz');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await service.close();
    }
  });
});
