/**
 * The issuer's signing keys as an admin reads them (GET /api/admin/keys), on SQLite and
 * PostgreSQL: the key that signs; after `rotateKey`, the new one as next (made, not yet
 * published); after a restart, pending with the time it starts signing (KEY_PUBLISH_AHEAD); and
 * never a private part or a folder path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKey } from '../../issuer/keys/key-store.js';
import { createSession } from '../../issuer/http/session.js';
import { insertStaff, newStaff, restartService, type Restarted } from './fixtures.js';
import { Client, ENGINES, startService, type TestService } from './harness.js';

interface KeyView {
  kid: string | null;
  state: string;
  createdAt: number;
  publishedAt: number | null;
  signsFrom: number | null;
  retiredAt: number | null;
  lastExpiry: number;
}

describe.each(ENGINES)('signing keys over the API on %s', (engine) => {
  let service: TestService;
  let restarted: Restarted | undefined;

  beforeAll(async () => {
    service = await startService(engine, { env: { KEY_PUBLISH_AHEAD: '3600' } });
  });
  afterAll(async () => {
    await restarted?.running.stop();
    await service.close();
  });

  it('when an admin lists the keys, before and after a rotation and a restart, then the signing key, then the new one next, then pending with its signsFrom; nothing private', async () => {
    const admin = await newStaff(service, 'admin');
    const key1 = service.deps.keys.current().kid;
    const first = await admin.get<{ keys: KeyView[]; publishAhead: number }>('/api/admin/keys');
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body).toEqual({
      keys: [
        {
          kid: key1,
          state: 'signing',
          createdAt: expect.any(Number) as number,
          publishedAt: expect.any(Number) as number,
          signsFrom: null,
          retiredAt: null,
          lastExpiry: 0,
        },
      ],
      publishAhead: 3600,
    });

    const key2 = await rotateKey(service.deps.config.dataDir);
    const rotated = await admin.get<{ keys: KeyView[] }>('/api/admin/keys');
    expect(rotated.body.keys.map((k) => [k.kid, k.state, k.publishedAt])).toEqual([
      [key2, 'next', null],
      [key1, 'signing', expect.any(Number)],
    ]);
    expect(rotated.text).not.toMatch(/"d"|private|keys\/\d|folder/);

    service.advance(10);
    restarted = await restartService(service);
    const adminId = await insertStaff(restarted.deps.db, restarted.now(), {
      username: 'keys.admin',
      role: 'admin',
    });
    const { cookie } = await createSession(
      restarted.deps.db,
      { subject: 'staff', subjectId: adminId, role: 'admin' },
      restarted.now(),
    );
    const after = await new Client(restarted.url).get<{ keys: KeyView[] }>('/api/admin/keys', {
      cookie,
    });
    expect(after.body.keys.map((k) => [k.kid, k.state, k.signsFrom])).toEqual([
      [key2, 'pending', restarted.now() + 3600],
      [key1, 'signing', null],
    ]);
  });

  it('when a reviewer or nobody asks, then 403 ERR_FORBIDDEN and 401 ERR_UNAUTHENTICATED', async () => {
    const url = restarted?.url ?? service.url;
    const deps = restarted?.deps ?? service.deps;
    const now = restarted?.now() ?? service.now();
    const reviewerId = await insertStaff(deps.db, now, {
      username: 'keys.reviewer',
      role: 'reviewer',
    });
    const { cookie } = await createSession(
      deps.db,
      { subject: 'staff', subjectId: reviewerId, role: 'reviewer' },
      now,
    );
    const client = new Client(url);
    const refused = await client.get<{ code: string }>('/api/admin/keys', { cookie });
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 403,
      code: 'ERR_FORBIDDEN',
    });
    const anonymous = await client.get<{ code: string }>('/api/admin/keys');
    expect({ status: anonymous.status, code: anonymous.body.code }).toEqual({
      status: 401,
      code: 'ERR_UNAUTHENTICATED',
    });
  });
});
