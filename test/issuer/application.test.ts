/*
 * The e-licence application over HTTP, on both engines: the stored-photo path with the
 * development identity check, the album path with real JPEG files made with sharp and a
 * reviewer's decisions, and the refusals.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_OUTCOME_SUFFIXES } from '../../issuer/application/identity-check-dev.js';
import { STORED_CHECKS_PER_DRIVER_HOUR } from '../../issuer/application/routes.js';
import { devIdentityCheck } from './enrol.js';
import {
  expectDraftWithoutPhoto,
  newDriver,
  newStaff,
  syntheticLicence,
  uploadPhoto,
  type TestDriver,
} from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { portraitJpeg, SELFIE } from './photos.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpIdentityCheck } from '../../issuer/application/identity-check-http.js';
import { listen } from '../../issuer/service.js';

/** Tuesday 10 March 2026, 10:00 in China: a working day, so the deadline is the next day. */
const NOW = Date.UTC(2026, 2, 10, 2, 0, 0) / 1000;

const PORTRAIT_HASH = createHash('sha256').update('registry photo').digest('base64url');

interface Problem {
  readonly code: string;
  readonly detail?: string;
  readonly reason?: string;
  readonly failures?: readonly { rule: string }[];
}

describe.each(ENGINES)('the e-licence application on %s', (engine) => {
  let service: TestService;
  let serial = 7000;
  let white: Buffer;
  let grey: Buffer;

  beforeAll(async () => {
    service = await startService(engine, { now: NOW });
    white = await portraitJpeg(255);
    grey = await portraitJpeg(150);
  });
  afterAll(async () => {
    await service.close();
  });

  const driver = (
    licence = syntheticLicence(serial++),
    portraitHash?: string,
  ): Promise<TestDriver> =>
    newDriver(service, licence, {
      applied: false,
      ...(portraitHash === undefined ? {} : { portraitHash }),
    });

  const upload = (who: TestDriver, bytes: Buffer, type?: string) =>
    uploadPhoto(service.url, who, bytes, type);

  const portraitOf = async (licenceNumber: string) =>
    (
      await service.deps.db.kysely
        .selectFrom('licences')
        .select('portrait_hash')
        .where('licence_number', '=', licenceNumber)
        .executeTakeFirstOrThrow()
    ).portrait_hash;

  it('when the registry holds a photo, then the stored path issues after a matching check', async () => {
    const d = await driver(undefined, PORTRAIT_HASH);
    expect((await d.http.get('/api/me/application/paths')).body).toEqual({
      paths: ['stored', 'camera', 'album'],
      photoChange: false,
      notBefore: null,
    });
    const started = await d.http.post('/api/me/application', { path: 'stored' });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ state: 'draft', path: 'stored' });

    const confirmed = await d.http.post('/api/me/application/confirm-stored', { selfie: SELFIE });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body).toEqual({ state: 'issued' });
    expect((await d.http.get('/api/me/application')).body).toMatchObject({ state: 'issued' });
    const inbox = await d.http.get<{ entries: { title: string }[] }>('/api/me/inbox');
    expect(inbox.body.entries.map((e) => e.title)).toEqual(['电子驾驶证已签发']);
    expect(await portraitOf(d.licence.licenceNumber)).toBe(PORTRAIT_HASH);
  });

  it.each([
    ['测试不符', 422, 'ERR_IDENTITY_MISMATCH', 'identity_failed'],
    ['测试活体', 422, 'ERR_LIVENESS_FAILED', 'identity_failed'],
    ['测试不可用', 503, 'ERR_IDENTITY_UNAVAILABLE', 'draft'],
  ] as const)(
    'when the identity check of %s answers, then %i %s, as at binding, the application is %s and a retry is possible',
    async (suffix, status, code, state) => {
      expect(DEV_OUTCOME_SUFFIXES).toHaveProperty(suffix);
      const base = syntheticLicence(serial++);
      const d = await driver({ ...base, name: `张三${suffix}` }, PORTRAIT_HASH);
      await d.http.post('/api/me/application', { path: 'stored' });
      for (let attempt = 0; attempt < 2; attempt++) {
        const reply = await d.http.post<Problem>('/api/me/application/confirm-stored', {
          selfie: SELFIE,
        });
        expect(reply.status).toBe(status);
        expect(reply.body.code).toBe(code);
        expect((await d.http.get('/api/me/application')).body).toMatchObject({ state });
      }
      expect((await d.http.get<{ entries: unknown[] }>('/api/me/inbox')).body.entries).toEqual([]);
    },
  );

  it(`when a driver asks for more than ${STORED_CHECKS_PER_DRIVER_HOUR} stored-photo checks an hour, then 429 ERR_RATE_LIMITED and the government service is not called; another driver is not held back`, async () => {
    const base = syntheticLicence(serial++);
    const d = await driver({ ...base, name: `张三测试不符` }, PORTRAIT_HASH);
    await d.http.post('/api/me/application', { path: 'stored' });
    const checks = devIdentityCheck(service);
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= STORED_CHECKS_PER_DRIVER_HOUR; attempt++)
      statuses.push(
        (await d.http.post('/api/me/application/confirm-stored', { selfie: SELFIE })).status,
      );
    expect(statuses).toEqual([...Array<number>(STORED_CHECKS_PER_DRIVER_HOUR).fill(422), 429]);
    const limited = await d.http.post<Problem>('/api/me/application/confirm-stored', {
      selfie: SELFIE,
    });
    expect(limited.body.code).toBe('ERR_RATE_LIMITED');
    const called = checks.checks;
    await d.http.post('/api/me/application/confirm-stored', { selfie: SELFIE });
    expect(checks.checks).toBe(called);
    const other = await driver(undefined, PORTRAIT_HASH);
    await other.http.post('/api/me/application', { path: 'stored' });
    expect(
      (await other.http.post('/api/me/application/confirm-stored', { selfie: SELFIE })).body,
    ).toEqual({ state: 'issued' });
    // A new hour, a new allowance.
    service.advance(3601);
    try {
      expect(
        (await d.http.post('/api/me/application/confirm-stored', { selfie: SELFIE })).status,
      ).toBe(422);
    } finally {
      service.advance(-3601);
    }
  });

  it('when the real-person provider times out, then 503 ERR_IDENTITY_UNAVAILABLE and the draft stands', async () => {
    const d = await driver(undefined, PORTRAIT_HASH);
    await d.http.post('/api/me/application', { path: 'stored' });
    // A provider on loopback that takes the request and never answers, behind the real HTTP
    // adapter, on a second server over the same database.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const down = await listen({
      ...service.deps,
      identityCheck: createHttpIdentityCheck({
        endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/verify`,
        appId: 'test',
        secret: 's'.repeat(32),
        allowInsecure: true,
        timeoutMs: 200,
        retries: 1,
        backoffMs: 10,
      }),
    });
    try {
      const reply = await d.http
        .at(down.url)
        .post<Problem>('/api/me/application/confirm-stored', { selfie: SELFIE });
      expect({ status: reply.status, code: reply.body.code }).toEqual({
        status: 503,
        code: 'ERR_IDENTITY_UNAVAILABLE',
      });
      // The driver is told to try later; why the provider gave no answer is audited, not shown.
      expect(reply.body.detail).toBe(
        'the real-person check cannot be reached now; try again in a few minutes',
      );
      const recorded = await service.deps.db.kysely
        .selectFrom('audit_log')
        .select('after')
        .where('action', '=', 'application.identity_unavailable')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(String(recorded.after))).toEqual({ state: 'draft', reason: 'timeout' });
    } finally {
      // Not down.stop(): that would close the database the main service still uses.
      await new Promise<void>((resolve) => {
        down.server.close(() => {
          resolve();
        });
        down.server.closeIdleConnections();
      });
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
    expect((await d.http.get('/api/me/application')).body).toMatchObject({ state: 'draft' });
    const retried = await d.http.post('/api/me/application/confirm-stored', { selfie: SELFIE });
    expect(retried.body).toEqual({ state: 'issued' });
  });

  it('when the registry holds no photo, then the stored path is neither offered nor accepted', async () => {
    const d = await driver();
    expect((await d.http.get('/api/me/application/paths')).body).toEqual({
      paths: ['camera', 'album'],
      photoChange: false,
      notBefore: null,
    });
    const reply = await d.http.post<Problem>('/api/me/application', { path: 'stored' });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('ERR_ILLEGAL_TRANSITION');
  });

  it('when an album photo passes the pre-check, then it is queued and approval issues', async () => {
    const d = await driver();
    expect((await d.http.post('/api/me/application', { path: 'album' })).status).toBe(201);
    const uploaded = await upload(d, white);
    const body = (await uploaded.json()) as { state: string; deadline: number };
    expect(uploaded.status, JSON.stringify(body)).toBe(200);
    expect(body.state).toBe('submitted');
    // One working day: Wednesday 11 March 2026, end of day in China.
    expect(body.deadline).toBeGreaterThan(NOW);
    expect(body.deadline).toBeLessThanOrEqual(NOW + 2 * 86400);

    const reviewer = await newStaff(service, 'reviewer');
    const queue = await reviewer.get<{
      applications: { id: number; licenceNumber: string; overdue: boolean; deadline: number }[];
    }>('/api/review/queue');
    const number = d.licence.licenceNumber;
    const entry = queue.body.applications.find(
      (a) => a.licenceNumber === `${number.slice(0, 6)}********${number.slice(-4)}`,
    );
    expect(entry).toMatchObject({ overdue: false, deadline: body.deadline });
    expect(queue.text).not.toContain(number);
    if (entry === undefined) throw new Error('not queued');

    const photo = await reviewer.get(`/api/review/applications/${entry.id}/photo`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toMatch(/^image\/jpeg/);

    const approved = await reviewer.post(`/api/review/applications/${entry.id}/approve`, {});
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toEqual({ state: 'issued' });
    expect((await d.http.get('/api/me/application')).body).toMatchObject({ state: 'issued' });
    const inbox = await d.http.get<{ entries: { title: string }[] }>('/api/me/inbox');
    expect(inbox.body.entries.map((e) => e.title)).toEqual(['电子驾驶证已签发']);
    const stored = await service.deps.db.kysely
      .selectFrom('applications')
      .select(['photo', 'photo_hash'])
      .where('id', '=', entry.id)
      .executeTakeFirstOrThrow();
    if (stored.photo === null) throw new Error('no photo stored');
    const hash = createHash('sha256').update(stored.photo).digest('base64url');
    expect(stored.photo_hash).toBe(hash);
    expect(await portraitOf(number)).toBe(hash);
    // Decided: a second decision is an illegal transition.
    const again = await reviewer.post<Problem>(`/api/review/applications/${entry.id}/approve`, {});
    expect({ status: again.status, code: again.body.code }).toEqual({
      status: 409,
      code: 'ERR_ILLEGAL_TRANSITION',
    });
  });

  it('when the background is grey, then 422 ERR_PHOTO_REJECTED (background) and nothing is stored', async () => {
    const d = await driver();
    await d.http.post('/api/me/application', { path: 'album' });
    const reply = await upload(d, grey);
    const body = (await reply.json()) as Problem;
    expect(reply.status).toBe(422);
    expect(body.code).toBe('ERR_PHOTO_REJECTED');
    expect(body.failures?.map((f) => f.rule)).toContain('background');
    await expectDraftWithoutPhoto(service.deps.db, d.driverId);
  });

  it('when the body is not an image, then 415 ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    const d = await driver();
    await d.http.post('/api/me/application', { path: 'camera' });
    const reply = await upload(d, white, 'application/octet-stream');
    expect(reply.status).toBe(415);
    expect(((await reply.json()) as Problem).code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a photo is rejected with a reason, then the driver sees it, resubmits, and approval issues', async () => {
    const d = await driver();
    await d.http.post('/api/me/application', { path: 'camera' });
    expect((await upload(d, white)).status).toBe(200);
    const { id } = (await d.http.get<{ id: number }>('/api/me/application')).body;
    const reviewer = await newStaff(service, 'admin');

    const rejected = await reviewer.post(`/api/review/applications/${id}/reject`, {
      reason: '照片背景不是白色',
    });
    expect(rejected.status, rejected.text).toBe(200);
    expect((await d.http.get('/api/me/application')).body).toMatchObject({
      state: 'rejected',
      reason: '照片背景不是白色',
    });

    expect((await upload(d, white)).status).toBe(200);
    expect((await d.http.get('/api/me/application')).body).toMatchObject({
      state: 'submitted',
      reason: null,
    });
    const approved = await reviewer.post(`/api/review/applications/${id}/approve`, {});
    expect(approved.body).toEqual({ state: 'issued' });

    const trail = await service.deps.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('subject', '=', `application:${id}`)
      .orderBy('id')
      .execute();
    expect(trail.map((a) => a.action)).toEqual([
      'application.start',
      'application.submit_photo',
      'application.reject',
      'application.resubmit',
      'application.submit_photo',
      'application.approve',
      'application.issue',
    ]);
  });

  it('when the deadline has passed, then the queue marks the application overdue', async () => {
    const d = await driver();
    await d.http.post('/api/me/application', { path: 'album' });
    await upload(d, white);
    const { id } = (await d.http.get<{ id: number }>('/api/me/application')).body;
    service.advance(3 * 86400);
    try {
      // Staff sessions last an hour: sign in after the clock moved.
      const reviewer = await newStaff(service, 'reviewer');
      const queue = await reviewer.get<{ applications: { id: number; overdue: boolean }[] }>(
        '/api/review/queue',
      );
      expect(queue.body.applications.find((a) => a.id === id)?.overdue).toBe(true);
    } finally {
      service.advance(-3 * 86400);
    }
  });

  it('when more applications wait than the queue lists, then it lists the 200 with the nearest deadlines and says how many wait and how many are overdue', async () => {
    interface Queue {
      applications: { id: number; deadline: number; overdue: boolean }[];
      waiting: number;
      overdue: number;
    }
    const reviewer = await newStaff(service, 'reviewer');
    const before = (await reviewer.get<Queue>('/api/review/queue')).body;
    const d = await driver();
    await d.http.post('/api/me/application', { path: 'album' });
    await upload(d, white);
    const mine = (await d.http.get<{ id: number; deadline: number }>('/api/me/application')).body;
    // 100 past their deadline and 100 due in ten days, beside the driver's own (due tomorrow).
    const row = (deadline: number) => ({
      driver_id: d.driverId,
      licence_number: d.licence.licenceNumber,
      path: 'album' as const,
      state: 'submitted' as const,
      submitted_at: NOW - 86400,
      deadline,
      created_at: NOW - 86400,
      updated_at: NOW - 86400,
    });
    const extra = await service.deps.db.kysely
      .insertInto('applications')
      .values([
        ...Array.from({ length: 100 }, () => row(NOW - 60)),
        ...Array.from({ length: 100 }, () => row(NOW + 10 * 86400)),
      ])
      .returning('id')
      .execute();
    try {
      const queue = await reviewer.get<Queue>('/api/review/queue');
      expect(queue.status).toBe(200);
      expect([queue.body.waiting, queue.body.overdue, queue.body.applications.length]).toEqual([
        before.waiting + 201,
        before.overdue + 100,
        200,
      ]);
      const deadlines = queue.body.applications.map((a) => a.deadline);
      expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
      expect(queue.body.applications.filter((a) => a.overdue)).toHaveLength(before.overdue + 100);
      expect(queue.body.applications.map((a) => a.id)).toContain(mine.id);
    } finally {
      await service.deps.db.kysely
        .deleteFrom('applications')
        .where(
          'id',
          'in',
          extra.map((e) => e.id),
        )
        .execute();
    }
  });

  it('when the holiday calendar has no data for the next days, then the deadline counts Monday to Friday and is provisional', async () => {
    // chinese-days 1.5.7 stops at 2026. A Friday in 2027: the next working day is Monday, not
    // the Saturday a next-calendar-day fallback would give.
    const at = Date.parse('2027-01-08T10:00:00+08:00') / 1000;
    const shift = at - service.now();
    service.advance(shift);
    try {
      const d = await driver();
      await d.http.post('/api/me/application', { path: 'album' });
      const uploaded = await upload(d, white);
      expect([uploaded.status, await uploaded.json()]).toEqual([
        200,
        {
          state: 'submitted',
          deadline: Date.parse('2027-01-11T23:59:59+08:00') / 1000,
          deadlineProvisional: true,
        },
      ]);
    } finally {
      service.advance(-shift);
    }
  });

  it('when the licence is suspended, then no path is offered, with the reason and the issuing authority, and a start is 409 ERR_LICENCE_NOT_USABLE', async () => {
    const licence = { ...syntheticLicence(serial++), status: 'D' as const };
    const d = await driver(licence, PORTRAIT_HASH);
    expect((await d.http.get('/api/me/application/paths')).body).toEqual({
      paths: [],
      photoChange: false,
      notBefore: null,
      refusal: {
        reason: 'suspended',
        message: 'licence status: expected A (normal), found D (temporarily seized)',
        authority: licence.issuingAuthority,
      },
    });
    const reply = await d.http.post<Problem>('/api/me/application', { path: 'album' });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'ERR_LICENCE_NOT_USABLE', reason: 'suspended' });
  });

  it('when a driver asks for an application while one is open, then 409 ERR_ILLEGAL_TRANSITION', async () => {
    const d = await driver();
    await d.http.post('/api/me/application', { path: 'album' });
    const reply = await d.http.post<Problem>('/api/me/application', { path: 'camera' });
    expect({ status: reply.status, code: reply.body.code }).toEqual({
      status: 409,
      code: 'ERR_ILLEGAL_TRANSITION',
    });
  });
});
