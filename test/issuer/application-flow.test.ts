/*
 * The application flow around issuance, over real HTTP on both engines: notices through Web Push
 * to a real push service on loopback (decrypted there), credential issuance gated on an issued
 * application, the photo change superseding the old credential, abandoning an application, a
 * real-person check cut off by a crash, and an upload cut off half-way.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_MISMATCH_SUFFIX } from '../../issuer/application/identity-check-dev.js';
import { CHECK_INTERRUPTED_AFTER } from '../../issuer/application/recover-interrupted.js';
import { changeLicence } from '../../issuer/lifecycle/change-licence.js';
import { listen } from '../../issuer/service.js';
import {
  addDevice,
  expectDraftWithoutPhoto,
  credentialPath,
  driverAt,
  issue,
  newDriver,
  newStaff,
  presentAndVerify,
  pushSubscriptions,
  restartService,
  syntheticLicence,
  uploadPhoto,
  type IssuedBody,
  type StaffClient,
  type TestDevice,
  type TestDriver,
} from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { portraitJpeg, REJECTED_PHOTOS, SELFIE } from './photos.js';
import { startPushService, type PushService, type TestBrowser } from './push-service.js';

/** Tuesday 10 March 2026, 10:00 in China. */
const NOW = Date.UTC(2026, 2, 10, 2, 0, 0) / 1000;
const DAY = 86_400;
const REGISTRY_PHOTO = createHash('sha256').update('registry photo').digest('base64url');

interface Problem {
  readonly code: string;
  readonly notBefore?: number;
  readonly failures?: readonly { rule: string; expected: string; found: string }[];
}

let push: PushService;
beforeAll(async () => {
  push = await startPushService();
});
afterAll(async () => {
  await push.close();
});

describe.each(ENGINES)('the application flow on %s', (engine) => {
  let service: TestService;
  let reviewer: StaffClient;
  let serial = 7600 + (engine === 'postgres' ? 100 : 0);
  let white: Buffer;

  beforeAll(async () => {
    service = await startService(engine, {
      now: NOW,
      // Configurable (docs/DOMAIN.md §1.8: 6 months, unconfirmed): a week here, inside a
      // credential's life.
      env: { PHOTO_CHANGE_INTERVAL_DAYS: '7' },
      pushTest: { tls: push.tls, allowLoopback: true, retryDelaysMs: [1, 1] },
    });
    reviewer = await newStaff(service, 'reviewer');
    white = await portraitJpeg(255);
  });
  afterAll(async () => {
    await service.close();
  });

  const driver = (portraitHash?: string): Promise<TestDriver> =>
    newDriver(service, syntheticLicence(serial++), {
      applied: false,
      // The clock moves days ahead in some tests.
      sessionLifetime: 60 * DAY,
      ...(portraitHash === undefined ? {} : { portraitHash }),
    });

  const upload = (who: TestDriver, bytes: Buffer) => uploadPhoto(service.url, who, bytes);

  const subscribe = async (who: TestDriver, b: TestBrowser) => {
    const reply = await who.http.post('/api/me/push-subscriptions', b.json);
    expect(reply.status, reply.text).toBe(201);
  };

  /** The notice a browser was sent, decrypted. */
  const noticeOf = async (b: TestBrowser, count = 1) => {
    const messages = await push.waitFor(b.path, count);
    const last = messages[count - 1];
    if (last === undefined) throw new Error('no message');
    return JSON.parse(b.decrypt(last).toString('utf8')) as Record<string, string>;
  };

  /** Starts a photo application and submits `photo`; returns the application id. */
  const submit = async (who: TestDriver, path: 'camera' | 'album', photo = white) => {
    const started = await who.http.post<{ id: number }>('/api/me/application', { path });
    expect(started.status, started.text).toBe(201);
    const uploaded = await upload(who, photo);
    expect(uploaded.status, await uploaded.clone().text()).toBe(200);
    return started.body.id;
  };

  const approve = async (id: number) => {
    const reply = await reviewer.post(`/api/review/applications/${id}/approve`, {});
    expect(reply.status, reply.text).toBe(200);
  };

  /** A driver whose e-licence was issued through the album path, with a credential. */
  const issuedDriver = async (): Promise<{
    d: TestDriver;
    device: TestDevice;
    first: IssuedBody;
  }> => {
    const d = await driver();
    await approve(await submit(d, 'album'));
    const device = await addDevice(d);
    return { d, device, first: await issue(d, device) };
  };

  it('when a subscribed driver is approved, then the push service receives the notice of issue and decrypts it', async () => {
    const d = await driver();
    const b = push.browser('issued');
    await subscribe(d, b);
    await approve(await submit(d, 'album'));
    expect(await noticeOf(b)).toEqual({
      title: '电子驾驶证已签发',
      body: '您的电子驾驶证已生成：打开“亮证”，首页即显示驾驶证；出示时在“向谁出示？”中选择核验方。',
      url: 'https://issuer.test/app/#licence',
      tag: 'application.issued',
    });
  });

  it('when a photo is rejected, then the inbox and the push both carry the reason', async () => {
    const d = await driver();
    const b = push.browser('rejected');
    await subscribe(d, b);
    const id = await submit(d, 'camera');
    // A reason with its own full stop: the notice is still one sentence, ended once.
    const reply = await reviewer.post(`/api/review/applications/${id}/reject`, {
      reason: '背景不是白色（左侧有阴影）。',
    });
    expect(reply.status).toBe(200);
    const body = '照片未通过审核，原因是背景不是白色（左侧有阴影）。请在“亮证”中点“重新提交照片”。';
    const notice = await noticeOf(b);
    expect(notice).toMatchObject({
      title: '电子驾驶证申领未通过审核',
      tag: 'application.rejected',
      url: 'https://issuer.test/app/#application',
      body,
    });
    const inbox = await d.http.get<{ entries: { kind: string; body: string }[] }>('/api/me/inbox');
    expect(inbox.body.entries.map((e) => e.kind)).toEqual(['application.rejected']);
    expect(inbox.body.entries[0]?.body).toBe(body);
  });

  it('when the push service holds its answer, then approval has already issued: a push never blocks issuance', async () => {
    const d = await driver();
    const b = push.browser('held', [201], { hold: true });
    await subscribe(d, b);
    await approve(await submit(d, 'album'));
    // The push service has the message but has not answered; the application is issued.
    await push.waitFor(b.path, 1);
    expect((await d.http.get('/api/me/application')).body).toMatchObject({ state: 'issued' });
    push.release();
    await service.deps.notifier.idle();
  });

  it('when the subscription is gone (410), then issuance succeeds and the subscription is pruned', async () => {
    const d = await driver();
    const b = push.browser('gone', [410]);
    await subscribe(d, b);
    await approve(await submit(d, 'album'));
    await push.waitFor(b.path, 1);
    await service.deps.notifier.idle();
    expect(await pushSubscriptions(service.deps.db, d.driverId)).toEqual([]);
    expect((await d.http.get('/api/me/application')).body).toMatchObject({ state: 'issued' });
  });

  it('when a driver removes a subscription, then it is gone; another driver cannot remove it', async () => {
    const d = await driver();
    const other = await driver();
    const b = push.browser('removed');
    await subscribe(d, b);
    const foreign = await other.http.post<Problem>('/api/me/push-subscriptions/remove', {
      endpoint: b.json.endpoint,
    });
    expect({ status: foreign.status, code: foreign.body.code }).toEqual({
      status: 404,
      code: 'ERR_NOT_FOUND',
    });
    const removed = await d.http.post('/api/me/push-subscriptions/remove', {
      endpoint: b.json.endpoint,
    });
    expect(removed.status).toBe(204);
  });

  it('when the VAPID key is asked for, then it is the one the service signs with, to anyone', async () => {
    const reply = await service.client().get<{ publicKey: string }>('/api/push/key');
    expect(reply.status).toBe(200);
    expect(reply.body.publicKey).toBe(service.deps.notifier.publicKey);
    expect(Buffer.from(reply.body.publicKey, 'base64url')).toHaveLength(65);
  });

  it('when no application was issued, then no credential: 409 ERR_APPLICATION_NOT_ISSUED; the stored path then issues to the device at once', async () => {
    const d = await driver(REGISTRY_PHOTO);
    const device = await addDevice(d);
    const refused = await d.http.post<Problem>(credentialPath(device.deviceId));
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 409,
      code: 'ERR_APPLICATION_NOT_ISSUED',
    });
    await d.http.post('/api/me/application', { path: 'stored' });
    expect((await d.http.get('/api/me/credential')).status).toBe(404);
    const confirmed = await d.http.post('/api/me/application/confirm-stored', { selfie: SELFIE });
    expect(confirmed.status, confirmed.text).toBe(200);
    // Issued at once to the registered device: the app only has to fetch it.
    const live = await d.http.get<IssuedBody & { deviceId: number }>('/api/me/credential');
    expect(live.status).toBe(200);
    expect(live.body.deviceId).toBe(device.deviceId);
    expect((await presentAndVerify(service.url, service.now(), live.body, device)).valid).toBe(
      true,
    );
    const refreshed = await d.http.post(credentialPath(device.deviceId));
    expect(refreshed.status, refreshed.text).toBe(201);
  });

  it('when the licence is suspended during the real-person check, then the application is issued without a credential, and asking for one says why', async () => {
    const d = await driver(REGISTRY_PHOTO);
    const device = await addDevice(d);
    await d.http.post('/api/me/application', { path: 'stored' });
    // A second server on the same database whose real-person check answers a match after an
    // admin suspended the licence meanwhile.
    const suspending = await listen({
      ...service.deps,
      identityCheck: {
        name: 'suspending',
        referencePhoto: () => Promise.resolve({ outcome: 'not_found' }),
        async verify() {
          await changeLicence(
            service.deps,
            d.licence.licenceNumber,
            { action: 'suspend' },
            'staff:1',
          );
          return { outcome: 'match', score: 99, providerRef: 'test' };
        },
      },
    });
    try {
      const confirmed = await d.http
        .at(suspending.url)
        .post('/api/me/application/confirm-stored', { selfie: SELFIE });
      expect(confirmed.status, confirmed.text).toBe(200);
      expect(confirmed.body).toEqual({ state: 'issued' });
    } finally {
      // Not suspending.stop(): that would close the database the main service still uses.
      await new Promise<void>((resolve) => {
        suspending.server.close(() => {
          resolve();
        });
        suspending.server.closeIdleConnections();
      });
    }
    expect((await d.http.get('/api/me/credential')).status).toBe(404);
    const refused = await d.http.post<Problem & { reason?: string }>(
      credentialPath(device.deviceId),
    );
    expect({
      status: refused.status,
      code: refused.body.code,
      reason: refused.body.reason,
    }).toEqual({ status: 409, code: 'ERR_LICENCE_NOT_USABLE', reason: 'suspended' });
  });

  it('when the photo changes, then the old credential is superseded and the device gets one with the new hash', async () => {
    const { d, device, first } = await issuedDriver();
    const before = await presentAndVerify(service.url, service.now(), first, device);
    expect(before.valid).toBe(true);

    // Too soon: the photo may change once every 7 days here.
    const soon = await d.http.post<Problem>('/api/me/application', { path: 'camera' });
    expect(soon.status).toBe(409);
    expect(soon.body.code).toBe('ERR_PHOTO_CHANGE_TOO_SOON');
    expect(soon.body.notBefore).toBe(service.now() + 7 * DAY);
    expect((await d.http.get('/api/me/application/paths')).body).toEqual({
      paths: ['camera', 'album'],
      photoChange: true,
      notBefore: service.now() + 7 * DAY,
    });

    service.advance(7 * DAY);
    reviewer = await newStaff(service, 'reviewer');
    const stored = await d.http.post<Problem>('/api/me/application', { path: 'stored' });
    expect({ status: stored.status, code: stored.body.code }).toEqual({
      status: 409,
      code: 'ERR_ILLEGAL_TRANSITION',
    });
    const newPhoto = await portraitJpeg(250, { seed: 99 });
    const id = await submit(d, 'camera', newPhoto);
    // Until the review, the old credential stands.
    expect((await presentAndVerify(service.url, service.now(), first, device)).valid).toBe(true);
    await approve(id);

    const old = await presentAndVerify(service.url, service.now(), first, device);
    expect(old.code).toBe('ERR_SUPERSEDED');
    const live = await d.http.get<IssuedBody & { deviceId: number }>('/api/me/credential');
    expect(live.status).toBe(200);
    expect(live.body.jti).not.toBe(first.jti);
    expect(live.body.deviceId).toBe(device.deviceId);
    const now = await presentAndVerify(service.url, service.now(), live.body, device);
    expect(now.valid).toBe(true);
    const photo = await service.deps.db.kysely
      .selectFrom('applications')
      .select('photo_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(now.credential?.portraitHash).toBe(photo.photo_hash);
    expect(now.credential?.portraitHash).not.toBe(before.credential?.portraitHash);
  });

  it.each(REJECTED_PHOTOS.slice(0, 5).map((p) => [p.name, p] as const))(
    'when %s, then the upload is refused at once naming the rule, and nothing is stored',
    async (_name, photo) => {
      const d = await driver();
      await d.http.post('/api/me/application', { path: 'album' });
      const reply = await upload(d, Buffer.from(await photo.make()));
      const body = (await reply.json()) as Problem;
      expect({ status: reply.status, code: body.code }).toEqual({
        status: 422,
        code: 'ERR_PHOTO_REJECTED',
      });
      expect(body.failures?.map((f) => f.rule)).toEqual(photo.rules);
      await expectDraftWithoutPhoto(service.deps.db, d.driverId);
    },
  );

  it('when an album photo is older than 183 days by its EXIF date, then 422 ERR_PHOTO_REJECTED photo_age; a recent one passes', async () => {
    const d = await driver();
    await d.http.post('/api/me/application', { path: 'album' });
    const old = await portraitJpeg(255, {
      takenAt: new Date((service.now() - 200 * DAY) * 1000),
    });
    const reply = await upload(d, old);
    const body = (await reply.json()) as Problem;
    expect(reply.status).toBe(422);
    expect(body.code).toBe('ERR_PHOTO_REJECTED');
    expect(body.failures).toEqual([
      {
        rule: 'photo_age',
        expected: 'a photo taken in the last 183 days',
        found: 'one taken 200 days ago',
      },
    ]);
    const recent = await portraitJpeg(255, {
      takenAt: new Date((service.now() - 10 * DAY) * 1000),
    });
    expect((await upload(d, recent)).status).toBe(200);
    const row = await service.deps.db.kysely
      .selectFrom('applications')
      .select('precheck')
      .where('driver_id', '=', d.driverId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.precheck ?? '{}')).toMatchObject({ takenAt: service.now() - 10 * DAY });
  });

  it('when a driver abandons a failed stored-path application, then the album path can start; an issued one cannot be abandoned', async () => {
    const d = await newDriver(
      service,
      { ...syntheticLicence(serial++), name: `张三${DEV_MISMATCH_SUFFIX}` },
      {
        applied: false,
        portraitHash: REGISTRY_PHOTO,
      },
    );
    await d.http.post('/api/me/application', { path: 'stored' });
    const failed = await d.http.post<Problem>('/api/me/application/confirm-stored', {
      selfie: SELFIE,
    });
    expect(failed.body.code).toBe('ERR_IDENTITY_MISMATCH');
    const busy = await d.http.post<Problem>('/api/me/application', { path: 'album' });
    expect(busy.body.code).toBe('ERR_ILLEGAL_TRANSITION');
    const abandoned = await d.http.post('/api/me/application/abandon', {});
    expect(abandoned.status).toBe(200);
    expect(abandoned.body).toEqual({ state: 'abandoned' });
    const again = await d.http.post('/api/me/application/abandon', {});
    expect(again.status).toBe(409);
    await approve(await submit(d, 'album'));
    const issued = await d.http.post<Problem>('/api/me/application/abandon', {});
    expect({ status: issued.status, code: issued.body.code }).toEqual({
      status: 409,
      code: 'ERR_ILLEGAL_TRANSITION',
    });
    const audit = await service.deps.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('actor', '=', `driver:${d.driverId}`)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toContain('application.abandon');
  });

  it('when an upload is cut off half-way, then nothing is stored and the draft stands', async () => {
    const d = await driver();
    await d.http.post('/api/me/application', { path: 'album' });
    const url = new URL('/api/me/application/photo', service.url);
    await new Promise<void>((resolve) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          cookie: d.http.cookie,
          'x-csrf-token': d.http.csrfToken,
          'content-type': 'image/jpeg',
          'content-length': String(white.length),
        },
      });
      req.on('error', () => {
        resolve();
      });
      req.on('response', () => {
        resolve();
      });
      req.write(white.subarray(0, Math.floor(white.length / 2)), () => {
        setTimeout(() => req.destroy(), 50);
      });
    });
    const row = await service.deps.db.kysely
      .selectFrom('applications')
      .select(['state', 'photo', 'photo_hash', 'submitted_at'])
      .where('driver_id', '=', d.driverId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'draft', photo: null, photo_hash: null, submitted_at: null });
    // The service goes on: the whole photo is accepted next.
    expect((await upload(d, white)).status).toBe(200);
  });
  it('when a real-person check was cut off by a crash, then a restart puts the application back to draft and the driver can confirm', async () => {
    const d = await driver(REGISTRY_PHOTO);
    const { id } = (await d.http.post<{ id: number }>('/api/me/application', { path: 'stored' }))
      .body;
    // What a process killed during the provider's call leaves behind.
    await service.deps.db.kysely
      .updateTable('applications')
      .set({ state: 'identity_pending', updated_at: service.now() })
      .where('id', '=', id)
      .execute();
    const early = await d.http.post<Problem>('/api/me/application/confirm-stored', {
      selfie: SELFIE,
    });
    expect({ status: early.status, code: early.body.code }).toEqual({
      status: 409,
      code: 'ERR_ILLEGAL_TRANSITION',
    });

    service.advance(CHECK_INTERRUPTED_AFTER);
    const restarted = await restartService(service);
    try {
      const again = driverAt(d, restarted.url);
      expect((await again.http.get('/api/me/application')).body).toMatchObject({
        state: 'draft',
      });
      const confirmed = await again.http.post('/api/me/application/confirm-stored', {
        selfie: SELFIE,
      });
      expect(confirmed.body).toEqual({ state: 'issued' });
    } finally {
      // The last test: afterAll's close() then only removes the data.
      await restarted.running.stop();
    }
  });
});

describe.each(ENGINES)('review deadlines over HTTP on %s', (engine) => {
  let service: TestService;
  let serial = 7900 + (engine === 'postgres' ? 50 : 0);
  let white: Buffer;
  beforeAll(async () => {
    service = await startService(engine, { now: NOW });
    white = await portraitJpeg(255);
  });
  afterAll(async () => {
    await service.close();
  });

  /** Seconds since the epoch of a China date and time. */
  const china = (date: string, time = '00:00:00') => Date.parse(`${date}T${time}+08:00`) / 1000;

  it.each([
    // The last working day before National Day 2025: due on the first working day after it.
    ['Tuesday 2025-09-30, the last working day before National Day', '2025-09-30', '2025-10-09'],
    // A make-up working Saturday (调休) counts as a working day; the ordinary Sunday does not.
    ['make-up working Saturday 2025-10-11', '2025-10-11', '2025-10-13'],
  ])(
    'when submitted on %s, then the review is due at the end of %s in China',
    async (_l, day, due) => {
      service.advance(china(day, '10:00:00') - service.now());
      const d = await newDriver(service, syntheticLicence(serial++), { applied: false });
      await d.http.post('/api/me/application', { path: 'album' });
      const reply = await uploadPhoto(service.url, d, white);
      const body = (await reply.json()) as Record<string, unknown>;
      expect(body).toEqual({
        state: 'submitted',
        deadline: china(due, '23:59:59'),
        deadlineProvisional: false,
      });
    },
  );
});
