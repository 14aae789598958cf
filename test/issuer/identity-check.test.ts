import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, gatewaySettings, loadConfig } from '../../issuer/config.js';
import {
  createIdentityCheck,
  type IdentityCheckRequest,
  type IdentityCheckUnavailable,
} from '../../issuer/application/identity-check.js';
import { createDevIdentityCheck } from '../../issuer/application/identity-check-dev.js';
import { createHttpIdentityCheck } from '../../issuer/application/identity-check-http.js';

const APP_ID = 'liangzheng-test';
const SECRET = 'a-test-secret-of-at-least-32-chars!!';
const SELFIE = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const REQUEST: IdentityCheckRequest = {
  licenceNumber: '11010519491231002X',
  name: '张三',
  selfie: SELFIE,
  requestId: 'req-0001',
};

interface Received {
  readonly body: { requestId: string; licenceNumber: string; name: string; selfie: string };
  readonly signatureOk: boolean;
}
type Respond = (req: Received, res: ServerResponse) => void;

/** The fake provider: recomputes the signature itself and answers 401 when it is wrong. */
let server: Server;
let endpoint: string;
let respond: Respond;
let calls: Received[];

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function signatureOk(req: IncomingMessage, body: string): boolean {
  const ts = req.headers['x-timestamp'];
  const nonce = req.headers['x-nonce'];
  const sig = req.headers['x-signature'];
  if (typeof ts !== 'string' || typeof nonce !== 'string' || typeof sig !== 'string') return false;
  if (req.headers['x-app-id'] !== APP_ID) return false;
  if (!/^\d+$/.test(ts) || Math.abs(Number(ts) - Date.now() / 1000) > 300) return false;
  const bodyHash = b64url(createHash('sha256').update(body).digest());
  const expected = b64url(
    createHmac('sha256', SECRET).update(`${ts}\n${nonce}\n${bodyHash}`).digest(),
  );
  return sig === expected;
}

/** What the adapter answers when the check could not be made: worth another try later. */
function unavailable(reason: IdentityCheckUnavailable['reason']): IdentityCheckUnavailable {
  return { outcome: 'unavailable', reason, retryable: true };
}

function answer(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
}

const echo =
  (result: string, score?: number): Respond =>
  (req, res) => {
    answer(res, 200, {
      requestId: req.body.requestId,
      result,
      ...(score === undefined ? {} : { score }),
    });
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: Received = {
        body: JSON.parse(text) as Received['body'],
        signatureOk: signatureOk(req, text),
      };
      calls.push(received);
      if (!received.signatureOk) {
        answer(res, 401, { error: 'bad signature' });
        return;
      }
      respond(received, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/verify`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

beforeEach(() => {
  calls = [];
  respond = echo('MATCH', 97.5);
});

function client(
  extra: {
    timeoutMs?: number;
    retries?: number;
    secret?: string;
    endpoint?: string;
    /** Gets what the adapter logs: its details, then its message. */
    logged?: unknown[];
  } = {},
) {
  const { logged } = extra;
  return createHttpIdentityCheck({
    endpoint: extra.endpoint ?? endpoint,
    appId: APP_ID,
    secret: extra.secret ?? SECRET,
    allowInsecure: true,
    backoffMs: 10,
    ...(extra.timeoutMs === undefined ? {} : { timeoutMs: extra.timeoutMs }),
    ...(extra.retries === undefined ? {} : { retries: extra.retries }),
    ...(logged === undefined
      ? {}
      : { logger: { warn: (details, message) => logged.push(details, message) } }),
  });
}

describe('http identity check against a fake provider on loopback', () => {
  it('when the provider answers MATCH, then match with its score, and it received the signed request', async () => {
    expect(await client().verify(REQUEST)).toEqual({
      outcome: 'match',
      score: 97.5,
      providerRef: 'req-0001',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({
      signatureOk: true,
      body: {
        requestId: 'req-0001',
        licenceNumber: REQUEST.licenceNumber,
        name: '张三',
        purpose: 'stored_photo',
        selfie: Buffer.from(SELFIE).toString('base64'),
      },
    });
  });

  it('when the provider answers MISMATCH, then mismatch', async () => {
    respond = echo('MISMATCH');
    expect(await client().verify(REQUEST)).toEqual({ outcome: 'mismatch' });
  });

  it('when the provider answers LIVENESS_FAILED, then liveness_failed', async () => {
    respond = echo('LIVENESS_FAILED');
    expect(await client().verify(REQUEST)).toEqual({ outcome: 'liveness_failed' });
  });

  it('when the provider answers 503 twice and then MATCH, then match after 3 calls', async () => {
    const match = echo('MATCH', 90);
    respond = (req, res) => {
      if (calls.length <= 2) answer(res, 503, { error: 'busy' });
      else match(req, res);
    };
    expect(await client().verify(REQUEST)).toEqual({
      outcome: 'match',
      score: 90,
      providerRef: 'req-0001',
    });
    expect(calls).toHaveLength(3);
  });

  it('when the provider always answers 503, then unavailable provider_error after 1 + retries calls', async () => {
    respond = (_req, res) => {
      answer(res, 503, { error: 'busy' });
    };
    expect(await client().verify(REQUEST)).toEqual(unavailable('provider_error'));
    expect(calls).toHaveLength(3);
  });

  it('when the provider never answers, then unavailable timeout', async () => {
    respond = () => undefined;
    const started = Date.now();
    expect(await client({ timeoutMs: 200, retries: 0 }).verify(REQUEST)).toEqual(
      unavailable('timeout'),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(calls).toHaveLength(1);
    server.closeAllConnections();
  });

  it('when the port is closed (connection refused), then unavailable provider_down', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    expect(
      await client({ endpoint: `http://127.0.0.1:${port}/v1/verify` }).verify(REQUEST),
    ).toEqual(unavailable('provider_down'));
  });

  it('when the signature is wrong, then the provider answers 401 and it is provider_error, not retried', async () => {
    const wrong = client({ secret: 'another-secret-of-at-least-32-chars!' });
    expect(await wrong.verify(REQUEST)).toEqual(unavailable('provider_error'));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.signatureOk).toBe(false);
  });

  it.each<[string, Respond]>([
    [
      'requestId not echoed',
      (_req, res) => {
        answer(res, 200, { requestId: 'req-9999', result: 'MATCH', score: 99 });
      },
    ],
    [
      'result "OK"',
      (req, res) => {
        answer(res, 200, { requestId: req.body.requestId, result: 'OK', score: 99 });
      },
    ],
    ['MATCH without a score', echo('MATCH')],
    ['a score out of range', echo('MATCH', 1000)],
    [
      'not JSON',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('MATCH');
      },
    ],
    [
      'a JSON array',
      (_req, res) => {
        answer(res, 200, [{ result: 'MATCH' }]);
      },
    ],
    [
      'text/html',
      (req, res) => {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(JSON.stringify({ requestId: req.body.requestId, result: 'MATCH', score: 99 }));
      },
    ],
    [
      'a redirect',
      (_req, res) => {
        res.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' }).end();
      },
    ],
  ])(
    'when the answer is malformed (%s), then provider_error, never match, not retried',
    async (_why, r) => {
      respond = r;
      expect(await client().verify(REQUEST)).toEqual(unavailable('provider_error'));
      expect(calls).toHaveLength(1);
    },
  );

  it('when a provider failure happens, then no personal data appears in what is logged', async () => {
    respond = (_req, res) => {
      answer(res, 503, {});
    };
    const logged: unknown[] = [];
    await client({ retries: 1, logged }).verify(REQUEST);
    const text = JSON.stringify(logged);
    expect(logged).toHaveLength(4);
    expect(text).toContain('req-0001');
    for (const secretish of [REQUEST.licenceNumber, REQUEST.name, SECRET])
      expect(text).not.toContain(secretish);
  });

  it('when a 200 answer cannot be used, then it is logged with its request id and reason, once', async () => {
    respond = (_req, res) => {
      answer(res, 200, { requestId: 'another-request', result: 'MATCH', score: 0.99 });
    };
    const logged: unknown[] = [];
    expect(await client({ logged }).verify(REQUEST)).toEqual(unavailable('provider_error'));
    expect(logged).toEqual([
      { requestId: REQUEST.requestId, attempt: 1, reason: 'provider_error' },
      'identity check answer not usable',
    ]);
  });

  it('when the adapter is made from the settings, then it tells the logger of each failed attempt', async () => {
    const logged: unknown[] = [];
    // A closed port: refused at once, each of the 1 + 2 attempts.
    const check = createIdentityCheck(
      { kind: 'http', endpoint: 'https://127.0.0.1:9/verify', appId: APP_ID, secret: SECRET },
      { warn: (_details, message) => logged.push(message) },
    );
    expect(await check.verify(REQUEST)).toEqual(unavailable('provider_down'));
    expect(logged).toEqual([
      'identity check attempt failed',
      'identity check attempt failed',
      'identity check attempt failed',
    ]);
  });

  it('when the endpoint is http:// on a non-loopback host, then it is refused even with allowInsecure', () => {
    expect(() =>
      createHttpIdentityCheck({
        endpoint: 'http://provider.example/v1',
        appId: APP_ID,
        secret: SECRET,
        allowInsecure: true,
      }),
    ).toThrow(TypeError);
    expect(() => createHttpIdentityCheck({ endpoint, appId: APP_ID, secret: SECRET })).toThrow(
      TypeError,
    );
  });

  it('when the request id or the selfie is malformed, then TypeError (a caller mistake), no call made', async () => {
    await expect(client().verify({ ...REQUEST, requestId: 'a b' })).rejects.toThrow(TypeError);
    await expect(
      client().verify({ ...REQUEST, selfie: Uint8Array.from([1, 2, 3]) }),
    ).rejects.toThrow(TypeError);
    expect(calls).toHaveLength(0);
  });
});

describe('the reference photo over HTTP', () => {
  it('when the provider answers FOUND with a JPEG, then found with its bytes, asked at the sibling path reference-photo, signed; NOT_FOUND and a bad answer are told apart', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const paths: string[] = [];
    respond = (req, res) => {
      answer(res, 200, {
        requestId: req.body.requestId,
        result: 'FOUND',
        photo: jpeg.toString('base64'),
      });
    };
    server.prependOnceListener('request', (req: IncomingMessage) => paths.push(req.url ?? ''));
    const ask = { licenceNumber: REQUEST.licenceNumber, name: REQUEST.name, requestId: 'ref-1' };
    const found = await client().referencePhoto(ask);
    expect(found).toEqual({ outcome: 'found', photo: new Uint8Array(jpeg) });
    expect(paths).toEqual(['/v1/reference-photo']);
    expect(calls.map((c) => c.signatureOk)).toEqual([true]);
    respond = (req, res) => {
      answer(res, 200, { requestId: req.body.requestId, result: 'NOT_FOUND' });
    };
    expect(await client().referencePhoto(ask)).toEqual({ outcome: 'not_found' });
    respond = (req, res) => {
      answer(res, 200, {
        requestId: req.body.requestId,
        result: 'FOUND',
        photo: 'bm90IGEganBlZw==',
      });
    };
    expect(await client().referencePhoto(ask)).toEqual(unavailable('provider_error'));
  });
});

describe('development identity check', () => {
  it('when the name is ordinary, then match; when it ends with 测试不符, then mismatch', async () => {
    const dev = createDevIdentityCheck();
    expect(dev.name).toBe('development');
    expect(await dev.verify(REQUEST)).toEqual({
      outcome: 'match',
      score: 100,
      providerRef: 'development:req-0001',
    });
    expect(await dev.verify({ ...REQUEST, name: '张三测试不符' })).toEqual({ outcome: 'mismatch' });
    // The same rules on what it is asked as the real adapter's, and nothing counted for them.
    const before = dev.checks;
    for (const bad of [
      { ...REQUEST, requestId: 'a b' },
      { ...REQUEST, name: '' },
      { ...REQUEST, selfie: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]) },
    ])
      await expect(dev.verify(bad)).rejects.toThrow(TypeError);
    expect(dev.checks).toBe(before);
  });
});

/** The environment of a fully configured http identity check. */
const http = {
  IDENTITY_CHECK: 'http',
  IDENTITY_CHECK_URL: 'https://provider.example/v1/verify',
  IDENTITY_CHECK_APP_ID: APP_ID,
  IDENTITY_CHECK_SECRET: SECRET,
};

/** The identity check `loadConfig` would build from `env`, or its ConfigError. */
function identityCheckFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly production: boolean },
) {
  const settings = gatewaySettings('IDENTITY_CHECK', env, options);
  if ('problems' in settings)
    throw new ConfigError(`invalid configuration:\n  ${settings.problems.join('\n  ')}`);
  return createIdentityCheck(settings, { warn: () => undefined });
}

describe('identity check settings', () => {
  it('when nothing is set outside production, then the development adapter', () => {
    expect(identityCheckFromEnv({}, { production: false }).name).toBe('development');
  });

  it('when http is fully configured, then the http adapter, in production too', () => {
    expect(identityCheckFromEnv(http, { production: true }).name).toBe('http');
    expect(
      identityCheckFromEnv({ ...http, IDENTITY_CHECK_TIMEOUT_MS: '3000' }, { production: false })
        .name,
    ).toBe('http');
  });

  it('when production is configured with development, then ConfigError naming IDENTITY_CHECK', () => {
    expect(() =>
      identityCheckFromEnv({ IDENTITY_CHECK: 'development' }, { production: true }),
    ).toThrow(
      new ConfigError(
        'invalid configuration:\n  IDENTITY_CHECK: expected http in production (the development adapter issues licences without a real check), found development',
      ),
    );
    expect(() => identityCheckFromEnv({}, { production: true })).toThrow(
      /IDENTITY_CHECK: expected http in production/,
    );
  });

  it('when the secret is too short, then ConfigError that does not contain the secret', () => {
    const short = 'short-secret-value';
    let error: unknown;
    try {
      identityCheckFromEnv({ ...http, IDENTITY_CHECK_SECRET: short }, { production: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('IDENTITY_CHECK_SECRET');
    expect(message).toContain(`a value of ${short.length} characters`);
    expect(message).not.toContain(short);
  });

  it('when http lacks its variables or uses http://, then ConfigError naming each', () => {
    expect(() => identityCheckFromEnv({ IDENTITY_CHECK: 'http' }, { production: false })).toThrow(
      /IDENTITY_CHECK_URL: .*\n {2}IDENTITY_CHECK_APP_ID: .*\n {2}IDENTITY_CHECK_SECRET: /,
    );
    expect(() =>
      identityCheckFromEnv(
        { ...http, IDENTITY_CHECK_URL: 'http://provider.example/v1' },
        { production: false },
      ),
    ).toThrow(/IDENTITY_CHECK_URL: expected/);
    // A bad value does not hide what is missing.
    expect(() =>
      identityCheckFromEnv(
        { IDENTITY_CHECK: 'http', IDENTITY_CHECK_URL: 'http://provider.example/v1' },
        { production: false },
      ),
    ).toThrow(
      new ConfigError(
        [
          'invalid configuration:',
          'IDENTITY_CHECK_URL: expected an https:// URL, found "http://provider.example/v1"',
          'IDENTITY_CHECK_APP_ID: expected the application id given by the provider (IDENTITY_CHECK=http), found nothing',
          'IDENTITY_CHECK_SECRET: expected the signing secret given by the provider, at least 32 characters (IDENTITY_CHECK=http), found nothing',
        ].join('\n  '),
      ),
    );
  });
});

describe('identity check and SMS settings in loadConfig', () => {
  it('when IDENTITY_CHECK=http is set in development, then the service takes the http adapter', () => {
    // Before, only production read IDENTITY_CHECK: development silently took its own adapter.
    const config = loadConfig(http);
    expect(config.identityCheck).toEqual({
      kind: 'http',
      endpoint: 'https://provider.example/v1/verify',
      appId: APP_ID,
      secret: SECRET,
    });
    expect(createIdentityCheck(config.identityCheck, { warn: () => undefined }).name).toBe('http');
  });

  it('when SMS=http lacks its variables, then loadConfig names each; production refuses development', () => {
    expect(() => loadConfig({ SMS: 'http' })).toThrow(
      new ConfigError(
        'invalid configuration:\n  SMS_URL: expected an https:// URL (SMS=http), found nothing\n  SMS_APP_ID: expected the application id given by the provider (SMS=http), found nothing\n  SMS_SECRET: expected the signing secret given by the provider, at least 32 characters (SMS=http), found nothing',
      ),
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DEMO: 'false',
        PUBLIC_URL: 'http://dl.internal',
        VAPID_SUBJECT: 'mailto:ops@dl.internal',
        ...http,
        SMS: 'development',
      }),
    ).toThrow(
      new ConfigError(
        'invalid configuration:\n  SMS: expected http in production (the development adapter sends no message and accepts codes it only logged), found development',
      ),
    );
  });

  it('when only one VAPID key is given, then loadConfig names the missing one', () => {
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: 'x' })).toThrow(
      new ConfigError(
        'invalid configuration:\n  VAPID_PRIVATE_KEY: expected it beside the other VAPID key (both or neither), found nothing',
      ),
    );
  });
});
