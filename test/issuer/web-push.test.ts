/*
 * Web Push against a real push service on loopback: an https server (web-push speaks https
 * only) with a self-signed certificate made here by openssl, which decrypts what it receives
 * (RFC 8291) with the subscriber's keys and checks the VAPID header (RFC 8292).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { createLogger } from '../../issuer/logger.js';
import { ServiceError } from '../../issuer/service-error.js';
import {
  MAX_CONSECUTIVE_FAILURES,
  notifyDriver,
  openPushKeys,
  subscribe,
  type NotifyDeps,
  type PushKeys,
  type PushNotice,
} from '../../issuer/notify/web-push.js';
import { pushDestinations, type PushDestinations } from '../../issuer/notify/push-destinations.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { insertDriver, insertLicence, pushSubscriptions, syntheticLicence } from './fixtures.js';
import { startPushService, type PushService } from './push-service.js';

const SUBJECT = 'mailto:push-ops@issuer.test';
const NOTICE: PushNotice = {
  title: '电子驾驶证已签发',
  body: '您的电子驾驶证已生成',
  url: 'https://issuer.test/licence',
  tag: 'licence-issued',
};

let push: PushService;
let destinations: PushDestinations | undefined;
beforeAll(async () => {
  push = await startPushService();
});

/** The test override: the loopback push service allowed, its certificate trusted. */
function loopback(): PushDestinations {
  destinations ??= pushDestinations([], { tls: push.tls });
  return destinations;
}
afterAll(async () => {
  await push.close();
});

describe('openPushKeys', () => {
  it('when no keys are configured, then vapid.json is made 0600 and reused on the next open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lz-vapid-'));
    try {
      const first = await openPushKeys(dir, { VAPID_SUBJECT: SUBJECT });
      expect((await stat(join(dir, 'vapid.json'))).mode & 0o777).toBe(0o600);
      const second = await openPushKeys(dir, { VAPID_SUBJECT: SUBJECT });
      expect(second).toEqual(first);
      expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
      expect(first.subject).toBe(SUBJECT);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when keys come from the environment, then they are used and no file is written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lz-vapid-'));
    try {
      const pair = webpush.generateVAPIDKeys();
      const env = {
        VAPID_PUBLIC_KEY: pair.publicKey,
        VAPID_PRIVATE_KEY: pair.privateKey,
        VAPID_SUBJECT: 'https://issuer.test/contact',
      };
      const keys = await openPushKeys(dir, env);
      expect(keys.publicKey).toBe(env.VAPID_PUBLIC_KEY);
      await expect(stat(join(dir, 'vapid.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['no subject', {}, /VAPID_SUBJECT/],
    ['an http subject', { VAPID_SUBJECT: 'http://issuer.test' }, /VAPID_SUBJECT/],
    [
      'a short public key',
      { VAPID_SUBJECT: SUBJECT, VAPID_PUBLIC_KEY: 'AAAA', VAPID_PRIVATE_KEY: 'A'.repeat(43) },
      /VAPID_PUBLIC_KEY/,
    ],
  ])('when given %s, then it refuses naming the variable', async (_label, env, message) => {
    await expect(openPushKeys(tmpdir(), env)).rejects.toThrow(message);
  });
});

describe.each(ENGINES)('Web Push on %s', (engine) => {
  let service: TestService;
  let keys: PushKeys;
  let dataDir: string;
  let serial = 9000 + (engine === 'postgres' ? 100 : 0);

  beforeAll(async () => {
    service = await startService(engine);
    dataDir = await mkdtemp(join(tmpdir(), 'lz-vapid-'));
    keys = await openPushKeys(dataDir, { VAPID_SUBJECT: SUBJECT });
  });

  afterAll(async () => {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const deps = (): NotifyDeps => ({
    db: service.deps.db,
    logger: createLogger('silent'),
    keys,
    now: () => service.now(),
    retryDelaysMs: [5, 10],
    destinations: loopback(),
  });

  async function newDriverId(): Promise<number> {
    const licence = syntheticLicence((serial += 1));
    await insertLicence(service.deps.db, licence, service.now());
    return insertDriver(service.deps.db, licence.licenceNumber, service.now());
  }

  const add = (driverId: number, json: unknown) =>
    subscribe(service.deps.db, driverId, json, { now: service.now(), destinations: loopback() });

  const rows = (driverId: number) => pushSubscriptions(service.deps.db, driverId);

  it('when a notice is sent, then the push service decrypts exactly it and the VAPID JWT verifies', async () => {
    const driverId = await newDriverId();
    const b = push.browser('ok');
    const path = b.path;
    await add(driverId, b.json);

    expect(await notifyDriver(deps(), driverId, NOTICE)).toEqual({ sent: 1, pruned: 0, failed: 0 });

    const [request] = push.received.get(path) ?? [];
    expect(request).toBeDefined();
    if (request === undefined) return;
    expect(request.headers['content-encoding']).toBe('aes128gcm');
    expect(request.headers.ttl).toBe(String(24 * 3600));
    expect(request.headers.urgency).toBe('normal');
    const plain = b.decrypt(request);
    expect(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain))).toEqual(NOTICE);

    const authorization = String(request.headers.authorization);
    const match = /^vapid t=([A-Za-z0-9_.-]+), k=([A-Za-z0-9_-]+)$/.exec(authorization);
    expect(match).not.toBeNull();
    const [, jwt = '', k = ''] = match ?? [];
    expect(k).toBe(keys.publicKey);
    const point = Buffer.from(keys.publicKey, 'base64url');
    const publicKey = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      'ES256',
    );
    const { payload, protectedHeader } = await jwtVerify(jwt, publicKey, {
      algorithms: ['ES256'],
      audience: push.origin,
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe(SUBJECT);
    expect((payload.exp ?? 0) - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);
  });

  it('when the endpoint answers 410, then the subscription is pruned at once', async () => {
    const driverId = await newDriverId();
    const b = push.browser('gone', [410]);
    const path = b.path;
    await add(driverId, b.json);

    expect(await notifyDriver(deps(), driverId, NOTICE)).toEqual({ sent: 0, pruned: 1, failed: 0 });
    expect(push.received.get(path)).toHaveLength(1);
    expect(await rows(driverId)).toEqual([]);
  });

  it('when the endpoint answers 503 then 201, then the retry delivers the notice', async () => {
    const driverId = await newDriverId();
    const b = push.browser('flaky', [503, 201]);
    const path = b.path;
    await add(driverId, b.json);

    expect(await notifyDriver(deps(), driverId, NOTICE)).toEqual({ sent: 1, pruned: 0, failed: 0 });
    const requests = push.received.get(path) ?? [];
    expect(requests).toHaveLength(2);
    const last = requests[1];
    if (last === undefined) return;
    const plain = b.decrypt(last);
    expect(JSON.parse(plain.toString('utf8'))).toEqual(NOTICE);
    expect((await rows(driverId))[0]?.failures).toBe(0);
  });

  it('when an endpoint fails 3 notifications in a row, then it is pruned; a success in between resets the count', async () => {
    const driverId = await newDriverId();
    // 3 attempts each: fail, fail, then one success, then three failing notifications.
    const b = push.browser('down', [500, 500, 500, 500, 500, 500, 201, 500]);
    const path = b.path;
    await add(driverId, b.json);
    const failedOnce = { sent: 0, pruned: 0, failed: 1 };

    expect(await notifyDriver(deps(), driverId, NOTICE)).toEqual(failedOnce);
    expect(await notifyDriver(deps(), driverId, NOTICE)).toEqual(failedOnce);
    expect((await rows(driverId))[0]).toMatchObject({
      failures: 2,
      last_failure_at: service.now(),
    });
    expect(await notifyDriver(deps(), driverId, NOTICE)).toEqual({ sent: 1, pruned: 0, failed: 0 });
    expect((await rows(driverId))[0]).toMatchObject({ failures: 0, last_failure_at: null });

    for (let i = 1; i < MAX_CONSECUTIVE_FAILURES; i += 1)
      expect(await notifyDriver(deps(), driverId, NOTICE)).toEqual(failedOnce);
    expect(await notifyDriver(deps(), driverId, NOTICE)).toEqual({ sent: 0, pruned: 1, failed: 0 });
    expect(await rows(driverId)).toEqual([]);
    // 1 + 2 retries per failing notification: 2 × 3, then 1, then 3 × 3.
    expect(push.received.get(path)).toHaveLength(16);
  });

  it('when every endpoint is down or unreachable, then notifyDriver reports and does not throw', async () => {
    const driverId = await newDriverId();
    await add(driverId, push.browser('503', [503]).json);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const unreachable = push.browser('nowhere');
    await add(driverId, { ...unreachable.json, endpoint: `https://127.0.0.1:${port}/nowhere` });

    await expect(notifyDriver(deps(), driverId, NOTICE)).resolves.toEqual({
      sent: 0,
      pruned: 0,
      failed: 2,
    });
  });

  it('when the same endpoint subscribes again, then it is one row with the new keys', async () => {
    const driverId = await newDriverId();
    const first = push.browser('again');
    const id = await add(driverId, first.json);
    // Another key pair on the same endpoint: the browser subscribed anew.
    const second = { json: { ...push.browser('again').json, endpoint: first.json.endpoint } };
    expect(await add(driverId, second.json)).toBe(id);
    const saved = await rows(driverId);
    expect(saved).toHaveLength(1);
    expect(saved[0]?.p256dh).toBe(second.json.keys.p256dh);
  });

  const valid = () => push.browser('bad').json;
  it.each([
    [
      'an http endpoint',
      (s: ReturnType<typeof valid>) => ({ ...s, endpoint: s.endpoint.replace('https:', 'http:') }),
      'endpoint',
    ],
    [
      'an IP-literal endpoint',
      (s: ReturnType<typeof valid>) => ({ ...s, endpoint: 'https://10.0.0.1/push' }),
      'endpoint',
    ],
    [
      'a 64-byte p256dh',
      (s: ReturnType<typeof valid>) => ({
        ...s,
        keys: { ...s.keys, p256dh: s.keys.p256dh.slice(0, 86) },
      }),
      'keys.p256dh',
    ],
    [
      'a p256dh off the curve',
      (s: ReturnType<typeof valid>) => ({
        ...s,
        keys: { ...s.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') },
      }),
      'keys.p256dh',
    ],
    [
      'padded base64 auth',
      (s: ReturnType<typeof valid>) => ({
        ...s,
        keys: { ...s.keys, auth: Buffer.from(s.keys.auth, 'base64url').toString('base64') },
      }),
      'keys.auth',
    ],
    [
      'a 15-byte auth',
      (s: ReturnType<typeof valid>) => ({
        ...s,
        keys: { ...s.keys, auth: randomBytes(15).toString('base64url') },
      }),
      'keys.auth',
    ],
    ['no keys', (s: ReturnType<typeof valid>) => ({ endpoint: s.endpoint }), 'keys'],
    ['an unknown member', (s: ReturnType<typeof valid>) => ({ ...s, extra: 1 }), 'subscription'],
  ])('when the subscription has %s, then it is refused naming %s', async (_label, spoil, field) => {
    const driverId = await newDriverId();
    const original = valid();
    const bad = spoil(original);
    const error: unknown = await add(driverId, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ status: 422, code: 'ERR_PUSH_SUBSCRIPTION_INVALID' });
    const issues = (error as ServiceError).extra.issues as { field: string }[];
    expect(issues.map((i) => i.field)).toContain(field);
    // No value is echoed back: the endpoint is a capability URL.
    const said = `${(error as ServiceError).message} ${JSON.stringify(issues)}`;
    expect(said).not.toContain(new URL(original.endpoint).pathname);
    expect(said).not.toContain(original.keys.p256dh);
    expect(await rows(driverId)).toEqual([]);
  });
});
