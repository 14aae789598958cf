/*
 * The routes the driver's app and the reviewers' console read (issuer/driver/, issuer/review/):
 * the driver's own licence status and portrait, and one application with its pre-check report
 * and audit trail. On both databases, over HTTP.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDriver, newStaff, syntheticLicence, uploadPhoto, type TestDriver } from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { portraitJpeg } from './photos.js';

/** 2026-11-24 10:00 China time, a Tuesday. */
const NOW = Date.parse('2026-11-24T10:00:00+08:00') / 1000;

interface Problem {
  readonly code: string;
  readonly status: number;
}

describe.each(ENGINES)('driver and review routes on %s', (engine) => {
  let service: TestService;
  let serial = 7000;

  beforeAll(async () => {
    service = await startService(engine, { now: NOW });
  });
  afterAll(async () => {
    await service.close();
  });

  const driver = (status = 'A', points = 0): Promise<TestDriver> =>
    newDriver(service, { ...syntheticLicence(serial++), status: status as 'A', points });

  it('when a driver with a normal licence asks, then GET /api/me/licence says usable', async () => {
    const d = await driver('A', 3);
    const reply = await d.http.get('/api/me/licence');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toEqual({
      status: 'A',
      label: { zh: '正常', en: 'normal' },
      points: 3,
      usable: true,
      reason: null,
      checkedAt: NOW,
    });
  });

  it('when the licence is suspended, then GET /api/me/licence says not usable: suspended', async () => {
    const d = await driver('D');
    const reply = await d.http.get('/api/me/licence');
    expect(reply.body).toMatchObject({
      status: 'D',
      label: { zh: '暂扣', en: 'temporarily seized' },
      usable: false,
      reason: 'suspended',
    });
  });

  it('when 12 points are recorded, then the licence is not usable: points-exceeded', async () => {
    const d = await driver('A', 12);
    const reply = await d.http.get('/api/me/licence');
    expect(reply.body).toMatchObject({ status: 'A', usable: false, reason: 'points-exceeded' });
  });

  it('when the licence has no portrait, then GET /api/me/portrait is 404 ERR_NOT_FOUND', async () => {
    const d = await driver();
    const reply = await d.http.get<Problem>('/api/me/portrait');
    expect({ status: reply.status, code: reply.body.code }).toEqual({
      status: 404,
      code: 'ERR_NOT_FOUND',
    });
  });

  it('when the licence has a portrait, then GET /api/me/portrait answers its bytes and hash', async () => {
    const d = await driver();
    const photo = await portraitJpeg(255, { seed: 11 });
    const hash = createHash('sha256').update(photo).digest('base64url');
    await service.deps.db.kysely
      .insertInto('portraits')
      .values({
        licence_number: d.licence.licenceNumber,
        photo,
        hash,
        source: 'registry',
        updated_at: NOW,
      })
      .execute();
    const reply = await fetch(new URL('/api/me/portrait', service.url), {
      headers: { cookie: d.http.cookie },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('image/jpeg');
    expect(reply.headers.get('etag')).toBe(`"${hash}"`);
    expect(Buffer.from(await reply.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('when a reviewer opens a submitted application, then it comes with its pre-check and audit trail', async () => {
    const d = await newDriver(service, syntheticLicence(serial++), { applied: false });
    const started = await d.http.post<{ id: number }>('/api/me/application', { path: 'album' });
    expect(started.status).toBe(201);
    const photo = await portraitJpeg(255, { takenAt: new Date((NOW - 86_400) * 1000) });
    const uploaded = await uploadPhoto(service.url, d, photo);
    expect(uploaded.status).toBe(200);
    const reviewer = await newStaff(service, 'reviewer');
    const reply = await reviewer.get<Record<string, unknown>>(
      `/api/review/applications/${started.body.id}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const number = d.licence.licenceNumber;
    expect(reply.body).toMatchObject({
      id: started.body.id,
      path: 'album',
      state: 'submitted',
      licenceNumber: `${number.slice(0, 6)}********${number.slice(-4)}`,
      submittedAt: NOW,
      overdue: false,
      decidedAt: null,
      reviewerId: null,
      reason: null,
      hasPhoto: true,
      precheck: { width: 600, height: 800, takenAt: NOW - 86_400 },
    });
    const audit = reply.body.audit as { action: string; actor: string; at: number }[];
    expect(audit.map((e) => [e.action, e.actor, e.at])).toEqual([
      ['application.start', `driver:${d.driverId}`, NOW],
      ['application.submit_photo', `driver:${d.driverId}`, NOW],
    ]);

    const rejected = await reviewer.post(`/api/review/applications/${started.body.id}/reject`, {
      reason: '照片模糊',
    });
    expect(rejected.status).toBe(200);
    const after = await reviewer.get<{
      state: string;
      reason: string;
      audit: { action: string }[];
    }>(`/api/review/applications/${started.body.id}`);
    expect([after.body.state, after.body.reason, after.body.audit.at(-1)?.action]).toEqual([
      'rejected',
      '照片模糊',
      'application.reject',
    ]);
  });

  it('when the id is not a number, then 422 ERR_VALIDATION; when there is no such one, 404', async () => {
    const admin = await newStaff(service, 'admin');
    const bad = await admin.get<Problem>('/api/review/applications/abc');
    expect({ status: bad.status, code: bad.body.code }).toEqual({
      status: 422,
      code: 'ERR_VALIDATION',
    });
    const missing = await admin.get<Problem>('/api/review/applications/999999');
    expect({ status: missing.status, code: missing.body.code }).toEqual({
      status: 404,
      code: 'ERR_NOT_FOUND',
    });
  });
});
