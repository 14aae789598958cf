/*
 * How the service serves its three web apps to a phone on a slow network: the build's brotli or
 * gzip copy of a file, chosen by the browser's Accept-Encoding (with Vary), hashed assets cached
 * for a year as immutable while index.html and the service worker are revalidated, and no source
 * map on the public path (none in the served folders, and 404 for one left there).
 */
import { mkdtemp, readFile, readdir, rm, mkdir, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { webApp, webAppDir } from '../../issuer/web-apps.js';
import { startService, type TestService } from './harness.js';

/** An answer as it came over the wire: the body not decoded. */
interface Raw {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** GET (or `method`) `url` with these headers, the body kept as sent (fetch would decode it). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function built(dir: string | undefined): string {
  if (dir === undefined) throw new Error('the web apps are not built: npm run build');
  return dir;
}

const APPS = [
  ['/app/', () => built(webAppDir('app'))],
  ['/console/', () => built(webAppDir('console'))],
  ['/verifier/', () => built(VERIFIER_APP_DIR)],
] as const;

/** The script and the stylesheet the app's index.html loads: `assets/<name>-<hash>.<ext>`. */
async function assetsOf(dir: string): Promise<string[]> {
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1] as string);
}

describe('the web apps over the wire', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService('sqlite');
  });
  afterAll(async () => {
    await service.close();
  });

  describe.each(APPS)('%s', (base, dirOf) => {
    it('when a browser accepts brotli, then each hashed asset comes as the build’s brotli copy, immutable for a year, with Vary', async () => {
      const dir = dirOf();
      const assets = await assetsOf(dir);
      expect(assets.map((a) => /^assets\/main-[\w-]{8}\.(?:js|css)$/.test(a))).toEqual([
        true,
        true,
      ]);
      for (const asset of assets) {
        const reply = await get(`${service.url}${base}${asset}`, {
          'accept-encoding': 'gzip, deflate, br, zstd',
        });
        const file = await readFile(join(dir, asset));
        expect({
          status: reply.status,
          encoding: reply.headers['content-encoding'],
          vary: reply.headers.vary,
          cache: reply.headers['cache-control'],
          type: reply.headers['content-type'],
          decoded: brotliDecompressSync(reply.body).equals(file),
          smaller: reply.body.length < file.length / 2,
        }).toEqual({
          status: 200,
          encoding: 'br',
          vary: 'Accept-Encoding',
          cache: 'public, max-age=31536000, immutable',
          type: asset.endsWith('.js')
            ? 'text/javascript; charset=UTF-8'
            : 'text/css; charset=UTF-8',
          decoded: true,
          smaller: true,
        });
      }
    });

    it('when a browser accepts gzip only, then gzip; when it accepts neither, then the file itself', async () => {
      const dir = dirOf();
      const [script] = await assetsOf(dir);
      const file = await readFile(join(dir, script ?? ''));
      const gz = await get(`${service.url}${base}${script}`, { 'accept-encoding': 'gzip' });
      const plain = await get(`${service.url}${base}${script}`, { 'accept-encoding': 'identity' });
      expect({
        gz: [gz.headers['content-encoding'], gunzipSync(gz.body).equals(file)],
        plain: [plain.headers['content-encoding'], plain.body.equals(file), plain.headers.vary],
        cache: plain.headers['cache-control'],
      }).toEqual({
        gz: ['gzip', true],
        plain: [undefined, true, 'Accept-Encoding'],
        cache: 'public, max-age=31536000, immutable',
      });
    });

    it('when the page is fetched, then it is compressed too but revalidated every time, with its ETag', async () => {
      const reply = await get(`${service.url}${base}`, { 'accept-encoding': 'br' });
      const again = await get(`${service.url}${base}`, {
        'accept-encoding': 'br',
        'if-none-match': String(reply.headers.etag),
      });
      expect({
        status: reply.status,
        encoding: reply.headers['content-encoding'],
        cache: reply.headers['cache-control'],
        page: brotliDecompressSync(reply.body).toString('utf8').startsWith('<!doctype html>'),
        revalidated: again.status,
      }).toEqual({
        status: 200,
        encoding: 'br',
        cache: 'no-cache',
        page: true,
        revalidated: 304,
      });
    });

    it('when the source map of its script is asked for, then 404, and the served folder holds no map', async () => {
      const dir = dirOf();
      const [script] = await assetsOf(dir);
      const reply = await get(`${service.url}${base}${script}.map`);
      const files = await readdir(dir, { recursive: true });
      const source = await readFile(join(dir, script ?? ''), 'utf8');
      expect({
        status: reply.status,
        code: (JSON.parse(reply.body.toString('utf8')) as { code?: string }).code,
        maps: files.filter((f) => f.includes('.map')),
        named: source.includes('sourceMappingURL'),
      }).toEqual({ status: 404, code: 'ERR_NOT_FOUND', maps: [], named: false });
    });
  });

  it.each(['/app/', '/verifier/', '/console/index.html'])(
    'when POST %s (a file with a brotli copy) is sent, then 404 ERR_NOT_FOUND as plain JSON, never marked as brotli',
    async (path) => {
      const reply = await get(
        `${service.url}${path}`,
        { 'accept-encoding': 'br, gzip', 'content-length': '0' },
        'POST',
      );
      expect({
        status: reply.status,
        encoding: reply.headers['content-encoding'],
        code: (JSON.parse(reply.body.toString('utf8')) as { code?: string }).code,
      }).toEqual({ status: 404, encoding: undefined, code: 'ERR_NOT_FOUND' });
    },
  );

  it.each(['/app/sw.js', '/verifier/sw.js', '/app/manifest.webmanifest', '/console/icon.svg'])(
    'when %s (a name without a hash) is fetched, then it is revalidated, never kept as immutable',
    async (path) => {
      const reply = await get(`${service.url}${path}`, { 'accept-encoding': 'br, gzip' });
      expect([reply.status, reply.headers['cache-control']]).toEqual([200, 'no-cache']);
    },
  );
});

describe('a source map left in an app’s folder', () => {
  let dir: string;
  let url: string;
  let close: () => void;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lz-web-app-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src \'self\'" />',
    );
    await writeFile(join(dir, 'assets', 'main-AbCd1234.js'), 'console.log(1);\n');
    await writeFile(join(dir, 'assets', 'main-AbCd1234.js.map'), '{"version":3}');
    await writeFile(join(dir, 'assets', 'main-AbCd1234.js.map.gz'), 'not served either');
    const app = express();
    app.use('/app', webApp(dir));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(async () => {
    close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['/app/assets/main-AbCd1234.js.map', '/app/assets/main-AbCd1234.js.map.gz'])(
    'when %s is asked for, then 404 ERR_NOT_FOUND: maps are never served',
    async (path) => {
      const reply = await get(`${url}${path}`, { 'accept-encoding': 'gzip' });
      expect([
        reply.status,
        (JSON.parse(reply.body.toString('utf8')) as { code?: string }).code,
      ]).toEqual([404, 'ERR_NOT_FOUND']);
    },
  );

  it('when the script beside it is asked for, then it is served, immutable', async () => {
    const reply = await get(`${url}/app/assets/main-AbCd1234.js`);
    expect([reply.status, reply.body.toString('utf8'), reply.headers['cache-control']]).toEqual([
      200,
      'console.log(1);\n',
      'public, max-age=31536000, immutable',
    ]);
  });
});
