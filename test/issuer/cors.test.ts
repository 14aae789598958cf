/*
 * Cross-origin access over HTTP: a police app hosted elsewhere reads the public documents from
 * any origin, and calls the portrait and certificate routes only from a configured origin; the cookie API is
 * never opened to another origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newStaff } from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';

const POLICE = 'https://police.example.gov.cn';
const CHECKPOINT = 'https://checkpoint.example.gov.cn:8443';
const ELSEWHERE = 'https://elsewhere.example';

/** The CORS headers of an answer, by lower-case name. */
function corsHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries(
    [...headers.entries()].filter(([name]) => name.startsWith('access-control-')),
  );
}

describe.each(ENGINES)('CORS on %s', (engine) => {
  let service: TestService;
  let token: string;

  beforeAll(async () => {
    service = await startService(engine, { env: { VERIFIER_ORIGINS: `${POLICE}, ${CHECKPOINT}` } });
    const admin = await newStaff(service, 'admin');
    const reply = await admin.post<{ token: string }>('/api/admin/verifier-devices', {
      name: 'Checkpoint 3',
    });
    expect(reply.status).toBe(201);
    token = reply.body.token;
  });
  afterAll(async () => {
    await service.close();
  });

  const send = (path: string, init: RequestInit) => fetch(new URL(path, service.url), init);

  it.each([
    ['/.well-known/jwks.json', 200],
    ['/openapi.json', 200],
    ['/status', 200],
    ['/status/1', 404],
    ['/status/verifiers', 200],
    ['/status/verifiers/1', 404],
  ])(
    'when %s is fetched from another origin, then any origin may read it, without credentials',
    async (path, status) => {
      const reply = await send(path, { headers: { origin: ELSEWHERE } });
      expect({ status: reply.status, cors: corsHeaders(reply.headers) }).toEqual({
        status,
        cors: { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' },
      });
    },
  );

  it('when a status list fetch with If-None-Match is preflighted, then 204 allows GET with that header', async () => {
    const reply = await send('/status/1', {
      method: 'OPTIONS',
      headers: {
        origin: ELSEWHERE,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      },
    });
    expect({ status: reply.status, cors: corsHeaders(reply.headers) }).toEqual({
      status: 204,
      cors: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET,HEAD',
        'access-control-allow-headers': 'If-None-Match',
        'access-control-expose-headers': 'ETag',
        'access-control-max-age': '600',
      },
    });
  });

  it.each([
    ['GET', '/api/me'],
    ['GET', '/api/push/key'],
    ['OPTIONS', '/api/me'],
    ['OPTIONS', '/api/session'],
    ['OPTIONS', '/api/me/devices'],
    ['OPTIONS', '/api/admin/verifier-devices'],
  ])(
    'when %s %s (the cookie API) is called from a verifier origin, then no CORS header is sent',
    async (method, path) => {
      const reply = await send(path, {
        method,
        headers: {
          origin: POLICE,
          ...(method === 'OPTIONS'
            ? {
                'access-control-request-method': 'POST',
                'access-control-request-headers': 'content-type, x-csrf-token',
              }
            : {}),
        },
      });
      expect(corsHeaders(reply.headers)).toEqual({});
    },
  );

  it.each([POLICE, CHECKPOINT])(
    'when the portrait route is preflighted from the configured origin %s, then 204 allows POST with Authorization and Content-Type',
    async (origin) => {
      const reply = await send('/api/verifier/portrait', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect({
        status: reply.status,
        vary: reply.headers.get('vary'),
        cors: corsHeaders(reply.headers),
      }).toEqual({
        status: 204,
        vary: 'Origin',
        cors: {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'Authorization,Content-Type',
          'access-control-expose-headers': 'Retry-After,WWW-Authenticate',
          'access-control-max-age': '600',
        },
      });
    },
  );

  it.each([
    ['a device token', true, 403, 'ERR_PRESENTATION_NOT_VALID'],
    ['no token', false, 401, 'ERR_VERIFIER_DEVICE_UNKNOWN'],
  ])(
    'when the portrait route is called from a configured origin with %s, then the answer carries the CORS headers',
    async (_label, withToken, status, code) => {
      const reply = await send('/api/verifier/portrait', {
        method: 'POST',
        headers: {
          origin: POLICE,
          'content-type': 'application/json',
          ...(withToken ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ presentation: 'LZ1:x' }),
      });
      const body = (await reply.json()) as { code?: string };
      expect({ status: reply.status, code: body.code, cors: corsHeaders(reply.headers) }).toEqual({
        status,
        code,
        cors: {
          'access-control-allow-origin': POLICE,
          'access-control-expose-headers': 'Retry-After,WWW-Authenticate',
        },
      });
    },
  );

  it('when the certificate route is preflighted and called from a configured origin, then it allows POST with Authorization and the answer carries the CORS headers; another origin gets none', async () => {
    const preflight = await send('/api/verifier/certificate', {
      method: 'OPTIONS',
      headers: {
        origin: CHECKPOINT,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect({ status: preflight.status, cors: corsHeaders(preflight.headers) }).toEqual({
      status: 204,
      cors: {
        'access-control-allow-origin': CHECKPOINT,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'Authorization,Content-Type',
        'access-control-expose-headers': 'Retry-After,WWW-Authenticate',
        'access-control-max-age': '600',
      },
    });
    const call = (origin: string) =>
      send('/api/verifier/certificate', {
        method: 'POST',
        headers: {
          origin,
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ publicKey: 'short' }),
      });
    const reply = await call(POLICE);
    const body = (await reply.json()) as { code?: string };
    expect({ status: reply.status, code: body.code, cors: corsHeaders(reply.headers) }).toEqual({
      status: 422,
      code: 'ERR_VALIDATION',
      cors: {
        'access-control-allow-origin': POLICE,
        'access-control-expose-headers': 'Retry-After,WWW-Authenticate',
      },
    });
    expect(corsHeaders((await call(ELSEWHERE)).headers)).toEqual({});
  });

  it.each([
    ['OPTIONS', ELSEWHERE],
    ['POST', ELSEWHERE],
    ['OPTIONS', 'https://police.example.gov.cn.elsewhere.example'],
    ['POST', 'null'],
    ['POST', `${POLICE}:443`],
  ])(
    'when the portrait route is called (%s) from the origin %s, not configured, then no CORS header is sent',
    async (method, origin) => {
      const reply = await send('/api/verifier/portrait', {
        method,
        headers: {
          origin,
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...(method === 'OPTIONS' ? { 'access-control-request-method': 'POST' } : {}),
        },
        ...(method === 'POST' ? { body: JSON.stringify({ presentation: 'LZ1:x' }) } : {}),
      });
      expect(corsHeaders(reply.headers)).toEqual({});
    },
  );
});

describe('CORS without VERIFIER_ORIGINS', () => {
  it('when the portrait route is preflighted from any origin, then no CORS header is sent', async () => {
    const service = await startService('sqlite');
    try {
      const reply = await fetch(new URL('/api/verifier/portrait', service.url), {
        method: 'OPTIONS',
        headers: { origin: POLICE, 'access-control-request-method': 'POST' },
      });
      expect(corsHeaders(reply.headers)).toEqual({});
    } finally {
      await service.close();
    }
  });
});
