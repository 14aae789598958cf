/**
 * The audit log searched by an admin, over real HTTP on SQLite and PostgreSQL: the entries of
 * China days, newest first, of one actor or one action, a page at a time; a licence number as
 * subject masked and every state cut down to what a list may show (no name, no address, no
 * whole number); at most 30 searches a minute per member of staff.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { audit } from '../../issuer/audit/audit-log.js';
import { createSession } from '../../issuer/http/session.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import { insertLicence, newStaff, syntheticLicence, type StaffClient } from './fixtures.js';
import { ENGINES, startService, type Reply, type TestService } from './harness.js';

interface Entry {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface Problem {
  code: string;
  retryAfter?: number;
  issues?: { field: string }[];
}

type Found = { entries: Entry[]; more: boolean } & Problem;

function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: (reply.body as Problem).code }).toEqual({ status, code });
}

/** Seconds since the epoch of a China time `YYYY-MM-DDTHH:MM:SS`. */
const china = (time: string) => Date.parse(`${time}+08:00`) / 1000;

describe.each(ENGINES)('audit search on %s', (engine) => {
  let service: TestService;
  let admin: StaffClient;
  const licence = syntheticLicence(2000);
  const search = (query: string, client: StaffClient = admin) =>
    client.get<Found>(`/api/audit/search?${query}`);

  /** A new session of the admin `id` (the first one's hour has passed), as sign-in makes it. */
  async function sameAdmin(id: number): Promise<StaffClient> {
    const { cookie, csrfToken } = await createSession(
      service.deps.db,
      { subject: 'staff', subjectId: id, role: 'admin' },
      service.now(),
    );
    const client = service.client();
    client.csrfToken = csrfToken;
    return {
      id,
      get: (path) => client.get(path, { cookie }),
      post: (path, body, headers = {}) => client.post(path, body, { cookie, ...headers }),
    };
  }

  beforeAll(async () => {
    // Friday 8 May 2026, 10:00 in China: the suspension; the restoration the next day.
    service = await startService(engine, { now: china('2026-05-08T10:00:00') });
    admin = await newStaff(service, 'admin');
    await insertLicence(service.deps.db, licence, service.now());
    const base = `/api/registry/licences/${licence.licenceNumber}`;
    expect((await admin.post(`${base}/suspend`, { reason: '饮酒后驾驶' })).status).toBe(200);
    service.advance(86_400);
    admin = await sameAdmin(admin.id);
    expect((await admin.post(`${base}/restore`, { reason: '暂扣期满' })).status).toBe(200);
    // Either side of midnight between 8 and 9 May, China time.
    const db = service.deps.db.kysely;
    await audit(db, {
      actor: 'system',
      action: 'application.deadline_recomputed',
      subject: 'application:7',
      before: { deadline: 1 },
      after: { deadline: 2, provisional: false },
      at: china('2026-05-08T23:59:59'),
    });
    await audit(db, {
      actor: 'cli',
      action: 'staff.create',
      subject: 'staff:99',
      after: { username: 'night.shift', role: 'reviewer' },
      at: china('2026-05-09T00:00:00'),
    });
  });
  afterAll(async () => {
    await service.close();
  });
  beforeEach(() => {
    service.advance(61);
  });

  it('when an admin searches 8 May, then its entries newest first to 23:59:59 China time, the licence masked, its states cut to status, points, last day, version and reason', async () => {
    const found = await search('from=2026-05-08&to=2026-05-08');
    expect(found.status).toBe(200);
    expect(found.headers.get('cache-control')).toBe('no-store');
    const { entries, more } = found.body;
    expect(more).toBe(false);
    expect(entries.map((e) => [e.action, e.at])).toEqual([
      ['application.deadline_recomputed', china('2026-05-08T23:59:59')],
      ['licence.suspend', china('2026-05-08T10:00:00')],
    ]);
    expect(entries[1]).toEqual({
      id: expect.any(Number) as number,
      at: china('2026-05-08T10:00:00'),
      actor: `staff:${admin.id}`,
      action: 'licence.suspend',
      subject: maskLicenceNumber(licence.licenceNumber),
      before: { version: 1, status: 'A', points: 0, validTo: licence.validTo },
      after: { version: 2, status: 'D', points: 0, validTo: licence.validTo, reason: '饮酒后驾驶' },
    });
    expect(entries[0]?.after).toEqual({ deadline: 2, provisional: false });
    expect(found.text).not.toContain(licence.licenceNumber);
    expect(found.text).not.toContain(licence.name);
    expect(found.text).not.toContain(licence.address);
  });

  it('when an admin filters by actor or by action, then only those entries, over both days', async () => {
    const both = 'from=2026-05-08&to=2026-05-09';
    const byAdmin = await search(`${both}&actor=staff:${admin.id}`);
    expect(byAdmin.body.entries.map((e) => e.action)).toEqual([
      'licence.restore',
      'licence.suspend',
    ]);
    const byCli = await search(`${both}&actor=cli`);
    expect(byCli.body.entries).toEqual([
      {
        id: expect.any(Number) as number,
        at: china('2026-05-09T00:00:00'),
        actor: 'cli',
        action: 'staff.create',
        subject: 'staff:99',
        before: null,
        after: { username: 'night.shift', role: 'reviewer' },
      },
    ]);
    const restores = await search(`${both}&action=licence.restore`);
    expect(restores.body.entries.map((e) => [e.action, e.after?.status, e.after?.reason])).toEqual([
      ['licence.restore', 'A', '暂扣期满'],
    ]);
    const none = await search(`${both}&actor=staff:${admin.id}&action=staff.create`);
    expect(none.body).toEqual({ entries: [], more: false });
  });

  it('when the page is smaller than the entries, then `more`, and `beforeId` the last id received gives the next page, none twice', async () => {
    const both = 'from=2026-05-08&to=2026-05-09';
    const all = (await search(both)).body.entries;
    expect(all).toHaveLength(4);
    const pages: Entry[][] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = await search(
        `${both}&limit=3${beforeId === undefined ? '' : `&beforeId=${beforeId}`}`,
      );
      pages.push(page.body.entries);
      if (!page.body.more) break;
      beforeId = page.body.entries.at(-1)?.id;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 1]);
    expect(pages.flat()).toEqual(all);
  });

  it.each([
    ['from=2026-05-09&to=2026-05-08', 'to', 'the last day before the first'],
    ['from=2026-02-30&to=2026-03-01', 'from', 'a day that does not exist'],
    ['to=2026-05-08', 'from', 'no first day'],
    ['from=2026-05-08&to=2026-05-08&actor=staff:abc', 'actor', 'an actor of no recorded form'],
    ['from=2026-05-08&to=2026-05-08&action=DROP%20TABLE', 'action', 'an action of no form'],
    ['from=2026-05-08&to=2026-05-08&limit=201', 'limit', 'a page over 200'],
    ['from=2026-05-08&to=2026-05-08&subject=x', 'subject', 'a parameter it does not take'],
  ])('when the query is %s, then 422 ERR_VALIDATION naming %s (%s)', async (query, field) => {
    const refused = await search(query);
    expectProblem(refused, 422, 'ERR_VALIDATION');
    expect(refused.body.issues?.map((i) => i.field)).toEqual([field]);
  });

  it('when one admin makes a 31st search within a minute, then 429 ERR_RATE_LIMITED; another admin goes through', async () => {
    const busy = await newStaff(service, 'admin');
    const query = 'from=2026-05-08&to=2026-05-08';
    for (let i = 0; i < 30; i++) expect((await search(query, busy)).status).toBe(200);
    const refused = await search(query, busy);
    expectProblem(refused, 429, 'ERR_RATE_LIMITED');
    expect(refused.body.retryAfter).toBe(60);
    expect((await search(query)).status).toBe(200);
  });

  it('when a reviewer searches, then 403 ERR_FORBIDDEN; without a session, 401', async () => {
    const reviewer = await newStaff(service, 'reviewer');
    expectProblem(await search('from=2026-05-08&to=2026-05-08', reviewer), 403, 'ERR_FORBIDDEN');
    expectProblem(
      await service.client().get('/api/audit/search?from=2026-05-08&to=2026-05-08'),
      401,
      'ERR_UNAUTHENTICATED',
    );
  });
});
