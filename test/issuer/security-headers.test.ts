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
