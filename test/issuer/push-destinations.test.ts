/*
 * Push endpoints are URLs a driver's browser names: the service must send only to the browser
 * push services (PUSH_HOSTS), and only at public addresses, checked in the connection's own DNS
 * lookup. Over HTTP on both engines, with the tests' loopback push service standing in for a
 * host that resolves inside the network.
 */
import { request } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../issuer/config.js';
import { PRODUCTION_GATEWAYS } from './production-env.js';
import { createLogger } from '../../issuer/logger.js';
import {
  DEFAULT_PUSH_HOSTS,
  isPublicAddress,
  pushDestinations,
  type PushDestinations,
} from '../../issuer/notify/push-destinations.js';
import { notifyDriver, openPushKeys } from '../../issuer/notify/web-push.js';
import { openService } from '../../issuer/service.js';
import { newDriver, pushSubscriptions, syntheticLicence } from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { startPushService, type PushService } from './push-service.js';

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['142.250.72.10', true],
    ['2001:4860:4860::8888', true],
    ['::ffff:8.8.8.8', true],
    ['127.0.0.1', false],
    ['127.1.2.3', false],
    ['::1', false],
    ['0.0.0.0', false],
    ['::', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['100.64.0.1', false],
    ['100.100.100.200', false],
    ['169.254.169.254', false],
    ['fd00:ec2::254', false],
    ['fe80::1', false],
    ['fc00::1', false],
    ['224.0.0.1', false],
    ['ff02::1', false],
    ['255.255.255.255', false],
    ['240.0.0.1', false],
    ['192.0.0.192', false],
    ['198.18.0.1', false],
    ['2001:db8::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:169.254.169.254', false],
    ['::ffff:10.0.0.1', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['2002:a9fe:a9fe::1', false],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', false],
    ['not an address', false],
  ])('when the address is %s, then public is %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('when loopback is allowed (tests), then 127.0.0.1 and ::1 pass and nothing else changes', () => {
    expect(
      ['127.0.0.1', '::1', '10.0.0.1', '169.254.169.254'].map((a) => isPublicAddress(a, true)),
    ).toEqual([true, true, false, false]);
  });
});

describe('the default PUSH_HOSTS', () => {
  const destinations = pushDestinations(DEFAULT_PUSH_HOSTS);
  afterAll(() => {
    destinations.agent.destroy();
  });

  it.each([
    ['https://fcm.googleapis.com/fcm/send/abc:APA91b', true],
    ['https://updates.push.services.mozilla.com/wpush/v2/gAAAAA', true],
    ['https://web.push.apple.com/QGuQyavXutnMH', true],
    ['https://wns2-par02p.notify.windows.com/w/?token=BQYAAA', true],
    ['https://metadata.google.internal/computeMetadata/v1/', false],
    ['https://127.0.0.1.nip.io/push', false],
    ['https://169.254.169.254/latest/meta-data/', false],
    ['https://[fd00:ec2::254]/latest/meta-data/', false],
    ['https://[::ffff:7f00:1]/push', false],
    ['https://127.0.0.1/push', false],
    ['https://localhost/push', false],
    ['https://evilfcm.googleapis.com/fcm/send/abc', false],
    ['https://fcm.googleapis.com.evil.example/fcm/send/abc', false],
    ['https://push.apple.com/abc', false],
    ['https://fcm.googleapis.com./fcm/send/abc', false],
    ['https://fcm.googleapis.com:8443/fcm/send/abc', false],
    ['https://user:pass@fcm.googleapis.com/fcm/send/abc', false],
    ['https://fcm.googleapis.com/fcm/send/abc#x', false],
    ['http://fcm.googleapis.com/fcm/send/abc', false],
    ['not a url', false],
  ])('when the endpoint is %s, then allowed is %s', (endpoint, expected) => {
    expect(destinations.allows(endpoint)).toBe(expected);
  });
});

describe('the push agent', () => {
  let push: PushService;
  const agents: PushDestinations[] = [];

  beforeAll(async () => {
    push = await startPushService();
  });
  afterAll(async () => {
    for (const d of agents) d.agent.destroy();
    await push.close();
  });

  /** POSTs through `destinations`' agent to the push service by the name `localhost`. */
  function post(destinations: PushDestinations, path: string) {
    agents.push(destinations);
    return new Promise<{
      status?: number | undefined;
      code?: string | undefined;
      remote?: string | undefined;
    }>((resolve) => {
      const req = request(
        {
          host: 'localhost',
          port: Number(new URL(push.origin).port),
          path,
          method: 'POST',
          agent: destinations.agent,
        },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode, remote: res.socket.remoteAddress });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        resolve({ code: error.code });
      });
      req.end('{}');
    });
  }

  it('when a host name resolves to a loopback address, then the agent refuses to connect and nothing is sent', async () => {
    const browser = push.browser('private-name');
    const result = await post(pushDestinations(['localhost'], undefined), browser.path);
    expect(result).toEqual({ code: 'ERR_PUSH_ADDRESS_REFUSED' });
    expect(push.received.get(browser.path)).toBeUndefined();
  });

  it('when loopback is allowed (the test override), then the same request connects, to the checked address', async () => {
    const browser = push.browser('allowed-name');
    const result = await post(pushDestinations([], { tls: push.tls }), browser.path);
    expect(result).toEqual({ status: 201, remote: '127.0.0.1' });
    expect(push.received.get(browser.path)).toHaveLength(1);
  });
});

describe.each(ENGINES)('push subscriptions and sends on %s', (engine) => {
  let service: TestService;
  let push: PushService;
  let serial = 9400 + (engine === 'postgres' ? 50 : 0);

  beforeAll(async () => {
    push = await startPushService();
    service = await startService(engine);
  });
  afterAll(async () => {
    await service.close();
    await push.close();
  });

  const subscription = (endpoint: string) => ({
    ...push.browser('sub').json,
    endpoint,
  });

  it.each([
    'https://metadata.google.internal/computeMetadata/v1/instance',
    'https://127.0.0.1.nip.io/push/1',
    'https://169.254.169.254/latest/meta-data/',
    'https://localhost/push',
    'https://127.0.0.1:8443/push/loopback',
  ])(
    'when a driver subscribes the endpoint %s, then 422 ERR_PUSH_SUBSCRIPTION_INVALID names the endpoint and nothing is saved',
    async (endpoint) => {
      const driver = await newDriver(service, syntheticLicence((serial += 1)));
      const reply = await driver.http.post<{ code: string; issues: unknown[] }>(
        '/api/me/push-subscriptions',
        subscription(endpoint),
      );
      expect({ status: reply.status, code: reply.body.code, issues: reply.body.issues }).toEqual({
        status: 422,
        code: 'ERR_PUSH_SUBSCRIPTION_INVALID',
        issues: [
          {
            field: 'endpoint',
            message: 'expected an https: URL of a browser push service (PUSH_HOSTS)',
          },
        ],
      });
      expect(await pushSubscriptions(service.deps.db, driver.driverId)).toEqual([]);
    },
  );

  it('when a driver subscribes an FCM endpoint, then 201', async () => {
    const driver = await newDriver(service, syntheticLicence((serial += 1)));
    const reply = await driver.http.post(
      '/api/me/push-subscriptions',
      subscription('https://fcm.googleapis.com/fcm/send/abc:APA91b'),
    );
    expect(reply.status).toBe(201);
  });

  it('when a saved endpoint is not on PUSH_HOSTS (saved before the check), then nothing is sent to it and it is removed', async () => {
    const driver = await newDriver(service, syntheticLicence((serial += 1)));
    const browser = push.browser('stored-before');
    await service.deps.db.kysely
      .insertInto('push_subscriptions')
      .values({
        driver_id: driver.driverId,
        endpoint: browser.json.endpoint,
        p256dh: browser.json.keys.p256dh,
        auth: browser.json.keys.auth,
        created_at: service.now(),
        failures: 0,
        last_failure_at: null,
      })
      .execute();
    const destinations = pushDestinations(DEFAULT_PUSH_HOSTS);
    try {
      const report = await notifyDriver(
        {
          db: service.deps.db,
          logger: createLogger('silent'),
          keys: await openPushKeys(service.deps.config.dataDir, {
            VAPID_SUBJECT: 'mailto:ops@issuer.test',
          }),
          now: () => service.now(),
          retryDelaysMs: [1, 1],
          destinations,
        },
        driver.driverId,
        { title: 't', body: 'b' },
      );
      expect(report).toEqual({ sent: 0, pruned: 1, failed: 0 });
      expect(push.received.get(browser.path)).toBeUndefined();
    } finally {
      destinations.agent.destroy();
    }
  });
});

describe('PUSH_HOSTS of a service', () => {
  it('when PUSH_HOSTS names another push service, then its endpoints are accepted and FCM is not', async () => {
    const service = await startService('sqlite', { env: { PUSH_HOSTS: 'push.example.com' } });
    try {
      const driver = await newDriver(service, syntheticLicence(9499));
      const keys = {
        expirationTime: null,
        keys: {
          p256dh: Buffer.from(service.deps.notifier.publicKey, 'base64url').toString('base64url'),
          auth: 'AAAAAAAAAAAAAAAAAAAAAA',
        },
      };
      const ours = await driver.http.post('/api/me/push-subscriptions', {
        endpoint: 'https://push.example.com/send/1',
        ...keys,
      });
      const fcm = await driver.http.post('/api/me/push-subscriptions', {
        endpoint: 'https://fcm.googleapis.com/fcm/send/1',
        ...keys,
      });
      expect([ours.status, fcm.status]).toEqual([201, 422]);
    } finally {
      await service.close();
    }
  });
});

describe('the test override in production', () => {
  it('when push test settings are given to a production service, then it refuses to open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lz-prod-push-'));
    try {
      const config = loadConfig({
        ...PRODUCTION_GATEWAYS,
        NODE_ENV: 'production',
        DATA_DIR: dir,
        DEMO: 'false',
        PUBLIC_URL: 'https://issuer.test',
        TRUST_PROXY: '10.0.0.1',
        VAPID_SUBJECT: 'mailto:ops@issuer.test',
      });
      const error: unknown = await openService(config, createLogger('silent'), undefined, {
        pushTest: { allowLoopback: true, tls: { rejectUnauthorized: false } },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        'push test settings: expected none in production, found some',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
