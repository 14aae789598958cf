/**
 * Requests the service cannot take as sent, over real HTTP on both engines: a method a path does
 * not have (405 with Allow, while a path no route has stays 404), a body that is not JSON on a
 * JSON route (415, after the role check), a Content-Encoding the service does not undo (415) and
 * a body over its limit, compressed or not (413). Each answer says what was expected and what
 * was found.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEveryRole, type EveryRole } from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';

interface Problem {
  readonly code: string;
  readonly detail: string;
  readonly expected?: string;
  readonly found?: string;
}

describe.each(ENGINES)('requests the service cannot take, on %s', (engine) => {
  let service: TestService;
  let everyRole: EveryRole;

  beforeAll(async () => {
    service = await startService(engine);
    everyRole = await seedEveryRole(service);
  });
  afterAll(async () => {
    await service.close();
  });

  /** One request as `who`, its body sent as given (no Content-Type unless `headers` has one). */
  async function send(
    who: 'anonymous' | 'driver' | 'reviewer' | 'admin',
    method: string,
    path: string,
    body?: string | Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; problem: Problem }> {
    const reply = await fetch(new URL(path, service.url), {
      method,
      headers: { ...(await everyRole.headersFor(who)), ...headers },
      ...(body === undefined ? {} : { body: body as BodyInit }),
    });
    const text = await reply.text();
    return {
      status: reply.status,
      headers: reply.headers,
      problem: (text === '' ? {} : JSON.parse(text)) as Problem,
    };
  }

  describe('a method the path does not have', () => {
    it.each([
      ['DELETE', '/api/me/devices', 'driver', 'GET, HEAD, POST'],
      ['DELETE', '/api/me/devices', 'anonymous', 'GET, HEAD, POST'],
      ['PUT', '/api/staff', 'admin', 'GET, HEAD, POST'],
      ['GET', '/api/registry/import', 'admin', 'POST'],
      ['DELETE', '/api/registry/licences/110108197202291023', 'admin', 'GET, HEAD'],
      ['GET', '/api/me/devices/7/credential', 'driver', 'POST'],
      ['POST', '/healthz', 'anonymous', 'GET, HEAD'],
      ['POST', '/status/1', 'anonymous', 'GET, HEAD'],
      ['POST', '/.well-known/jwks.json', 'anonymous', 'GET, HEAD'],
    ] as const)(
      'when %s %s is asked as %s, then 405 ERR_METHOD_NOT_ALLOWED with Allow: %s',
      async (method, path, who, allow) => {
        const reply = await send(who, method, path);
        expect(reply.status).toBe(405);
        expect(reply.headers.get('allow')).toBe(allow);
        expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(reply.problem).toMatchObject({
          code: 'ERR_METHOD_NOT_ALLOWED',
          detail: `method: expected ${allow}, found ${method}`,
          expected: allow,
          found: method,
        });
      },
    );

    it.each([
      ['GET', '/api/nothing-here'],
      ['DELETE', '/api/nothing-here'],
      ['POST', '/api/me/devices/7'],
      ['POST', '/verifier/'],
      ['DELETE', '/nothing'],
    ] as const)(
      'when %s %s names no route, then 404 ERR_NOT_FOUND and no Allow',
      async (method, path) => {
        const reply = await send('admin', method, path);
        expect([reply.status, reply.problem.code]).toEqual([404, 'ERR_NOT_FOUND']);
        expect(reply.headers.get('allow')).toBeNull();
      },
    );
  });

  describe('a body that is not JSON on a JSON route', () => {
    it.each([
      ['text/plain', 'text/plain'],
      ['text/plain; charset=utf-8', 'text/plain'],
      ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
      ['not a type', 'a value that is not a media type'],
    ])(
      'when an admin sends %s, then 415 ERR_UNSUPPORTED_MEDIA_TYPE naming application/json and %s',
      async (type, found) => {
        const reply = await send('admin', 'POST', '/api/admin/verifier-devices', '{"name":"x"}', {
          'content-type': type,
        });
        expect(reply.status).toBe(415);
        expect(reply.problem).toMatchObject({
          code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
          detail: `Content-Type: expected application/json, found ${found}`,
          expected: 'application/json',
          found,
        });
      },
    );

    it('when a body comes with no Content-Type, then 415 found none', async () => {
      // fetch labels a string body text/plain; bytes go without a type.
      const reply = await send(
        'admin',
        'POST',
        '/api/admin/verifier-devices',
        new TextEncoder().encode('{"name":"x"}'),
      );
      expect(reply.status).toBe(415);
      expect(reply.problem).toMatchObject({ expected: 'application/json', found: 'none' });
    });

    it('when the role is refused, then 401 or 403 comes first, the body unread', async () => {
      const plain = { 'content-type': 'text/plain' };
      const anonymous = await send('anonymous', 'POST', '/api/staff', 'x', plain);
      expect([anonymous.status, anonymous.problem.code]).toEqual([401, 'ERR_UNAUTHENTICATED']);
      const reviewer = await send('reviewer', 'POST', '/api/staff', 'x', plain);
      expect([reviewer.status, reviewer.problem.code]).toEqual([403, 'ERR_FORBIDDEN']);
    });

    it('when a JSON route gets no body at all, then its schema answers, not 415', async () => {
      const reply = await send('anonymous', 'POST', '/api/drivers');
      expect(reply.status).toBe(422);
      expect(reply.problem.code).toBe('ERR_VALIDATION');
    });

    it('when the charset is not UTF-8, then 415 naming the charset', async () => {
      const reply = await send('admin', 'POST', '/api/admin/verifier-devices', '{"name":"x"}', {
        'content-type': 'application/json; charset=latin1',
      });
      expect(reply.status).toBe(415);
      expect(reply.problem).toMatchObject({
        code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
        detail: 'Content-Type charset: expected utf-8, found "latin1"',
        expected: 'utf-8',
        found: '"latin1"',
      });
    });
  });

  describe('encodings and sizes', () => {
    /** Registers a verifier device (admin) with `body` as JSON, sent in `encoding` if given. */
    const registerDevice = (body: string | Uint8Array, encoding?: string) =>
      send('admin', 'POST', '/api/admin/verifier-devices', body, {
        'content-type': 'application/json',
        ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
      });

    it('when the Content-Encoding is x-bogus, then 415 ERR_UNSUPPORTED_ENCODING naming it', async () => {
      const reply = await registerDevice('{"name":"x"}', 'x-bogus');
      expect(reply.status).toBe(415);
      expect(reply.problem).toEqual({
        type: 'urn:liangzheng:problem:ERR_UNSUPPORTED_ENCODING',
        title: 'Unsupported Media Type',
        status: 415,
        code: 'ERR_UNSUPPORTED_ENCODING',
        detail: 'Content-Encoding: expected identity, gzip, deflate or br, found "x-bogus"',
        expected: 'identity, gzip, deflate or br',
        found: '"x-bogus"',
      });
    });

    it('when a gzip body inflates past the limit (a gzip bomb), then 413 saying the limit and that it was exceeded', async () => {
      const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(65_536);
      const reply = await registerDevice(bomb, 'gzip');
      expect(reply.status).toBe(413);
      expect(reply.problem).toMatchObject({
        code: 'ERR_TOO_LARGE',
        detail:
          'request body: expected at most 65536 bytes, found more than 65536 bytes once decompressed (Content-Encoding "gzip"); reading stopped at the limit',
        expected: 'at most 65536 bytes',
      });
      expect(reply.problem.detail).not.toContain('undefined');
    });

    it('when a plain body is over the limit, then 413 with its size', async () => {
      const body = `{"name":"${'x'.repeat(70_000)}"}`;
      const reply = await registerDevice(body);
      expect(reply.status).toBe(413);
      expect(reply.problem).toMatchObject({
        code: 'ERR_TOO_LARGE',
        expected: 'at most 65536 bytes',
        found: `${body.length} bytes`,
      });
    });

    it('when a gzip body is within the limit, then it is read as JSON', async () => {
      const reply = await registerDevice(
        gzipSync('{"name":"Haidian checkpoint 3, handset 12"}'),
        'gzip',
      );
      expect(reply.status).toBe(201);
    });

    it('when a body sent as gzip does not decompress, then 400 saying what was expected', async () => {
      const reply = await registerDevice('{"name":"x"}', 'gzip');
      expect(reply.status).toBe(400);
      expect(reply.problem).toMatchObject({
        code: 'ERR_BAD_REQUEST',
        expected: 'a body compressed as its Content-Encoding says (identity, gzip, deflate or br)',
        found: 'bytes that do not decompress',
      });
    });
  });

  it('when a path parameter holds an escape that does not decode, then 400 ERR_BAD_REQUEST saying so', async () => {
    for (const path of ['/status/%ZZ', '/status/%E4%B8']) {
      const reply = await send('anonymous', 'GET', path);
      expect(reply.status, path).toBe(400);
      expect(reply.problem).toEqual({
        type: 'urn:liangzheng:problem:ERR_BAD_REQUEST',
        title: 'Bad Request',
        status: 400,
        code: 'ERR_BAD_REQUEST',
        detail:
          'request path: expected percent-encoded UTF-8 (%XX escapes), found an escape that does not decode',
        expected: 'percent-encoded UTF-8 (%XX escapes)',
        found: 'an escape that does not decode',
      });
    }
  });
});
