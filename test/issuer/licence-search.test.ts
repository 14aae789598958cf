/**
 * Finding a licence as an admin, over real HTTP on SQLite and PostgreSQL: by the first digits of
 * its number, the whole number, or the masked form the lists show (440106********2429), a page
 * at a time, each match without anything of the holder but the number; at most 30 searches a
 * minute per member of staff. Then the driver account that holds a licence and its sign-in lock,
 * which an admin ends; and one licence's whole record, never cached, at most 60 a minute per
 * member of staff.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import {
  insertLicence,
  newDriver,
  newStaff,
  syntheticLicence,
  type StaffClient,
} from './fixtures.js';
import { ENGINES, startService, type Reply, type TestService } from './harness.js';

interface Found {
  licences: { licenceNumber: string; status: string; issuingAuthority: string; validTo: string }[];
  more: boolean;
}

interface Problem {
  code: string;
  retryAfter?: number;
  issues?: { field: string }[];
}

function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: (reply.body as Problem).code }).toEqual({ status, code });
}

/** The answer a search gives for `licence`. */
const match = (licence: LicenceRecord, status = 'A') => ({
  licenceNumber: licence.licenceNumber,
  status,
  issuingAuthority: licence.issuingAuthority,
  validTo: licence.validTo,
});

describe.each(ENGINES)('licence search on %s', (engine) => {
  let service: TestService;
  let admin: StaffClient;
  /** Three licences of one region (synthetic serials 1000–1002: region 200002). */
  const region = [1000, 1001, 1002].map(syntheticLicence);
  /** One of the next region. */
  const other = syntheticLicence(1500);

  const search = (query: string, client: StaffClient = admin) =>
    client.get<Found & Problem>(`/api/registry/licences?${query}`);

  beforeAll(async () => {
    service = await startService(engine);
    for (const licence of [...region, other])
      await insertLicence(service.deps.db, licence, service.now());
    admin = await newStaff(service, 'admin');
  });
  afterAll(async () => {
    await service.close();
  });
  beforeEach(() => {
    // A new rate-limit window for every test.
    service.advance(61);
  });

  it('when an admin searches by the region’s six digits, then its licences by number, each with number, status, authority and last day only, not cached', async () => {
    const found = await search('number=200002');
    expect(found.status).toBe(200);
    expect(found.headers.get('cache-control')).toBe('no-store');
    expect(found.body).toEqual({ licences: region.map((l) => match(l)), more: false });
    expect(found.text).not.toContain(region[0]?.name ?? '?');
    expect(found.text).not.toContain(region[0]?.address ?? '?');
  });

  it('when an admin searches by the masked number a list shows, or by the whole number, then exactly that licence', async () => {
    const [, wanted] = region;
    if (wanted === undefined) throw new Error('no licence');
    const masked = maskLicenceNumber(wanted.licenceNumber);
    expect(masked).toMatch(/^200002\*{8}\d{3}[\dX]$/);
    const byMask = await search(`number=${encodeURIComponent(masked)}`);
    expect(byMask.body).toEqual({ licences: [match(wanted)], more: false });
    const byNumber = await search(`number=${wanted.licenceNumber}`);
    expect(byNumber.body).toEqual({ licences: [match(wanted)], more: false });
    const none = await search(`number=200002${'*'.repeat(8)}0000`);
    expect(none.body).toEqual({ licences: [], more: false });
  });

  it('when the page is smaller than the matches, then `more`, and `after` the last number gives the rest', async () => {
    const first = await search('number=200002&limit=2');
    expect(first.body).toEqual({ licences: region.slice(0, 2).map((l) => match(l)), more: true });
    const last = first.body.licences.at(-1)?.licenceNumber ?? '';
    const rest = await search(`number=200002&limit=2&after=${last}`);
    expect(rest.body).toEqual({ licences: [match(region[2] as LicenceRecord)], more: false });
  });

  it('when a licence is suspended, then the search shows its status D', async () => {
    const licence = region[2] as LicenceRecord;
    const suspended = await admin.post(`/api/registry/licences/${licence.licenceNumber}/suspend`, {
      reason: '酒驾',
    });
    expect(suspended.status).toBe(200);
    const found = await search(`number=${licence.licenceNumber}`);
    expect(found.body.licences).toEqual([match(licence, 'D')]);
  });

  it.each([
    ['number=20000', 'number', 'five digits'],
    ['number=200002****0000', 'number', 'four stars'],
    ['number=20000219900101001x', 'number', 'a lower-case check character'],
    ['', 'number', 'nothing'],
    ['number=200002&limit=51', 'limit', 'a page over 50'],
    ['number=200002&after=200002', 'after', 'a part of a number to page after'],
  ])('when the query is %s, then 422 ERR_VALIDATION naming %s (%s)', async (query, field) => {
    const refused = await search(query);
    expectProblem(refused, 422, 'ERR_VALIDATION');
    expect(refused.body.issues?.map((i) => i.field)).toEqual([field]);
  });

  it('when one admin makes a 31st search within a minute, then 429 ERR_RATE_LIMITED with Retry-After; another admin and the next minute go through', async () => {
    const busy = await newStaff(service, 'admin');
    for (let i = 0; i < 30; i++) expect((await search('number=200003', busy)).status).toBe(200);
    const refused = await search('number=200003', busy);
    expectProblem(refused, 429, 'ERR_RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.retryAfter).toBe(60);
    expect((await search('number=200003')).body.licences).toEqual([match(other)]);
    service.advance(60);
    expect((await search('number=200003', busy)).status).toBe(200);
  });

  it('when a reviewer or a driver searches, then 403 ERR_FORBIDDEN before the query is read', async () => {
    const reviewer = await newStaff(service, 'reviewer');
    expectProblem(await search('number=200002', reviewer), 403, 'ERR_FORBIDDEN');
    expectProblem(await search('limit=x', reviewer), 403, 'ERR_FORBIDDEN');
    const driver = await newDriver(service, syntheticLicence(1700));
    const reply = await driver.http.get<Problem>('/api/registry/licences?number=200002');
    expectProblem(reply, 403, 'ERR_FORBIDDEN');
    expectProblem(
      await service.client().get('/api/registry/licences?number=200002'),
      401,
      'ERR_UNAUTHENTICATED',
    );
  });

  describe('one licence’s whole record', () => {
    const recordOf = (number: string, client: StaffClient = admin) =>
      client.get<Problem>(`/api/registry/licences/${number}`);

    it('when an admin or a reviewer opens a licence, then its record, never cached: it holds the ID number, address and birth date', async () => {
      const [wanted] = region;
      if (wanted === undefined) throw new Error('no licence');
      const reviewer = await newStaff(service, 'reviewer');
      for (const client of [admin, reviewer]) {
        const opened = await recordOf(wanted.licenceNumber, client);
        expect(opened.status).toBe(200);
        expect(opened.headers.get('cache-control')).toBe('no-store');
        expect(opened.text).toContain(wanted.address);
      }
    });

    it('when one member of staff opens a 61st record within a minute, then 429 ERR_RATE_LIMITED with Retry-After; another and the next minute go through', async () => {
      const number = (region[1] as LicenceRecord).licenceNumber;
      const busy = await newStaff(service, 'reviewer');
      for (let i = 0; i < 60; i++) expect((await recordOf(number, busy)).status).toBe(200);
      const refused = await recordOf(number, busy);
      expectProblem(refused, 429, 'ERR_RATE_LIMITED');
      expect(refused.headers.get('retry-after')).toBe('60');
      expect((await recordOf(number)).status).toBe(200);
      service.advance(60);
      expect((await recordOf(number, busy)).status).toBe(200);
    });
  });

  describe('the driver account of a licence', () => {
    interface Account {
      account: { createdAt: number; boundAt: number | null; lockedUntil: number | null } | null;
    }
    const accountOf = (number: string) =>
      admin.get<Account & Problem>(`/api/registry/licences/${number}/account`);

    it('when a licence has an account, then its times and no lock; five wrong passwords lock it until 15 minutes on, and an admin’s unlock ends that', async () => {
      const driver = await newDriver(service, syntheticLicence(1800));
      const number = driver.licence.licenceNumber;
      const open = await accountOf(number);
      expect(open.status).toBe(200);
      expect(open.headers.get('cache-control')).toBe('no-store');
      expect(open.body).toEqual({
        account: { createdAt: service.now(), boundAt: null, lockedUntil: null },
      });
      expect(open.text).not.toMatch(/phone|139\d{8}/);

      const client = service.client();
      for (let i = 0; i < 5; i++)
        await client.post('/api/session', {
          kind: 'driver',
          licenceNumber: number,
          password: 'wrong horse battery',
        });
      expect((await accountOf(number)).body.account?.lockedUntil).toBe(service.now() + 900);
      expect((await admin.post(`/api/registry/licences/${number}/account/unlock`)).status).toBe(
        204,
      );
      expect((await accountOf(number)).body.account?.lockedUntil).toBeNull();
    });

    it('when a licence has no account, then account null; an unknown licence is 404 ERR_NOT_FOUND', async () => {
      expect((await accountOf(other.licenceNumber)).body).toEqual({ account: null });
      expectProblem(await accountOf('11010519491231002X'), 404, 'ERR_NOT_FOUND');
    });
  });
});
