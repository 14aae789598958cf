/**
 * Devices and issuance over HTTP, on both engines: a driver registers a device key and gets an
 * e-licence, which a verifier checks with the JWKS and the status list it fetches from the
 * service. Refresh, supersession, suspension and restoration each end in a verdict.
 */
import { chinaDate } from '../../shared/china-time.js';
import { parseHolderCopy } from '../../shared/sd/credential-v2.js';
import { signCredential } from '../../issuer/sign-credential.js';
import { reissueAll } from '../../issuer/credentials/reissue-all.js';
import { STATUS } from '../../shared/status-list.js';
import { issueCredential } from '../../issuer/credentials/issue-credential.js';
import { changeLicence } from '../../issuer/lifecycle/change-licence.js';
import type { LicenceChange } from '../../issuer/lifecycle/transitions.js';
import { LIST_CAPACITY } from '../../issuer/status/status-store.js';
import { storePortrait } from '../../issuer/portraits/store-portrait.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDevice,
  auditEntries,
  credentialPath,
  fetchVerifierView,
  idempotency,
  ISSUER,
  issue,
  licenceBornOn,
  newDriver,
  presentAndVerify,
  REFERENCE,
  syntheticLicence,
  type IssuedBody,
  type TestDevice,
  type TestDriver,
} from './fixtures.js';
import { ENGINES, openEveryConnection, startService, type TestService } from './harness.js';
import { readStatus } from '../../shared/status-list.js';
import { nodeBackend } from '../../verifier/backends/node.js';

const hex = (h: string) => Buffer.from(h, 'hex').toString('base64url');

/** Keys a device may not register: (why, key, expected code). */
const BAD_KEYS: readonly (readonly [string, unknown, string])[] = [
  ['the identity point (small order 1)', hex(`01${'00'.repeat(31)}`), 'ERR_KEY_INVALID'],
  [
    'a point of order 8',
    hex(`c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a`),
    'ERR_KEY_INVALID',
  ],
  ['y = p, a non-canonical encoding', hex(`ed${'ff'.repeat(30)}7f`), 'ERR_KEY_INVALID'],
  ['31 bytes', hex('11'.repeat(31)), 'ERR_KEY_INVALID'],
  ['padded base64url', `${hex('11'.repeat(32))}=`, 'ERR_KEY_INVALID'],
  ['a number', 42, 'ERR_VALIDATION'],
];

describe.each(ENGINES)('devices and credentials on %s', (engine) => {
  let service: TestService;
  let serial = engine === 'sqlite' ? 0 : 1000;
  const nextLicence = () => syntheticLicence(serial++);
  /** A driver of a new licence, with a device. */
  const newHolder = async () => {
    const driver = await newDriver(service, nextLicence());
    return { driver, device: await addDevice(driver) };
  };

  beforeAll(async () => {
    // An hour, not the default day: a session ends after 12 hours.
    service = await startService(engine, { env: { CREDENTIAL_REFRESH_AFTER: '3600' } });
  });
  afterAll(async () => {
    await service.close();
  });

  const rows = (licenceNumber: string) =>
    service.deps.db.kysely
      .selectFrom('credentials')
      .select(['jti', 'state', 'list_id', 'status_index', 'device_id', 'kid', 'expires_at'])
      .where('licence_number', '=', licenceNumber)
      // In order of issue; within one second the live one, issued last, last.
      .orderBy('issued_at')
      .orderBy(sql`state = 'live'`)
      .execute();

  const change = (driver: TestDriver, what: LicenceChange) =>
    changeLicence(service.deps, driver.licence.licenceNumber, what, 'staff:1');

  /** The `typ` of a compact JWS's header. */
  const typOf = (jws: string) =>
    (JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString()) as { typ?: string })
      .typ;

  /**
   * Turns the driver's live credential into one of format version 1, as issued before version 2:
   * a version 1 JWS under the same key, no holder's copy.
   */
  const makeVersion1 = async (driver: TestDriver, device: TestDevice, jti: string) => {
    const v1 = await signCredential(
      {
        licence: driver.licence,
        holderKey: device.signer.publicJwk.x,
        issuer: ISSUER,
        status: { idx: 0, uri: `${ISSUER}/status/1` },
        now: new Date(service.now() * 1000),
        validDays: 30,
        jti,
      },
      service.deps.keys.current(),
    );
    await service.deps.db.kysely
      .updateTable('credentials')
      .set({ credential: v1, holder_copy: null })
      .where('jti', '=', jti)
      .execute();
  };

  it('when a credential is issued after its status list was signed, then the published list already holds its entry', async () => {
    const first = await newDriver(service, nextLicence());
    const phone1 = await addDevice(first);
    const issued1 = await issue(first, phone1);
    // A verifier fetches the list: its token is signed now and kept.
    expect((await presentAndVerify(service.url, service.now(), issued1, phone1)).valid).toBe(true);
    const second = await newDriver(service, nextLicence());
    const phone2 = await addDevice(second);
    const issued2 = await issue(second, phone2);
    expect(issued2.listId).toBe(issued1.listId);
    expect(issued2.index).toBeGreaterThan(issued1.index);
    const report = await presentAndVerify(service.url, service.now(), issued2, phone2);
    expect({ valid: report.valid, code: report.code }).toEqual({ valid: true, code: undefined });
    // The whole list is published, whatever has been handed out: its length says nothing.
    const view = await fetchVerifierView(service.url, [issued1.listId]);
    const list = view.statusLists.get(`${ISSUER}/status/${issued1.listId}`);
    expect(list?.list.length).toBe(LIST_CAPACITY / 4);
  });

  describe('device registration', () => {
    it('when a driver registers a good key, then 201 with an id, listed by GET', async () => {
      const { driver, device } = await newHolder();
      expect(device.deviceId).toBeGreaterThan(0);
      const list = await driver.http.get<{ devices: { deviceId: number; publicKey: string }[] }>(
        '/api/me/devices',
      );
      expect(list.status).toBe(200);
      expect(list.body.devices).toEqual([
        expect.objectContaining({
          deviceId: device.deviceId,
          publicKey: device.signer.publicJwk.x,
          revokedAt: null,
        }),
      ]);
    });

    it.each(BAD_KEYS)('when the key is %s, then 422 %s', async (_why, publicKey, code) => {
      const driver = await newDriver(service, nextLicence());
      const reply = await driver.http.post<{ code: string }>('/api/me/devices', { publicKey });
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe(code);
      expect(
        (await driver.http.get<{ devices: unknown[] }>('/api/me/devices')).body.devices,
      ).toHaveLength(0);
    });

    it('when the same key is registered again, by the driver or another, then 409 ERR_DEVICE_EXISTS', async () => {
      const { driver, device } = await newHolder();
      const other = await newDriver(service, nextLicence());
      for (const who of [driver, other]) {
        const reply = await who.http.post<{ code: string }>('/api/me/devices', {
          publicKey: device.signer.publicJwk.x,
        });
        expect(reply.status).toBe(409);
        expect(reply.body.code).toBe('ERR_DEVICE_EXISTS');
      }
    });

    it('when the driver registers a 6th device, then the oldest that does not hold the e-licence is retired (audited), its credential request is 404, and the e-licence stays', async () => {
      const driver = await newDriver(service, nextLicence());
      const devices = [];
      for (let i = 0; i < 5; i++) devices.push(await addDevice(driver));
      const [first, second] = devices as [TestDevice, TestDevice];
      service.advance(1);
      const held = await issue(driver, first);
      const sixth = await addDevice(driver);

      const listed = await driver.http.get<{
        devices: { deviceId: number; revokedAt: number | null }[];
      }>('/api/me/devices');
      expect(listed.body.devices.map((d) => [d.deviceId, d.revokedAt !== null])).toEqual(
        [...devices, sixth].map((d) => [d.deviceId, d.deviceId === second.deviceId]),
      );
      const retired = await driver.http.post<{ code: string }>(credentialPath(second.deviceId));
      expect([retired.status, retired.body.code]).toEqual([404, 'ERR_NOT_FOUND']);
      const kept = await driver.http.post<IssuedBody>(credentialPath(first.deviceId));
      expect([kept.status, kept.body.jti]).toEqual([200, held.jti]);
      const audited = await auditEntries(
        service.deps.db,
        driver.licence.licenceNumber,
        'device.retire',
      );
      expect(audited.map((a) => JSON.parse(a.after ?? '{}') as unknown)).toEqual([
        { deviceIds: [second.deviceId], reason: 'replaced by a newly registered device' },
      ]);
    });

    it('when eight devices are registered at once, then five stay active and three are retired, each audited', async () => {
      const driver = await newDriver(service, nextLicence());
      await openEveryConnection(service);
      const added = await Promise.all(Array.from({ length: 8 }, () => addDevice(driver)));
      expect(new Set(added.map((d) => d.deviceId)).size).toBe(8);
      const listed = await driver.http.get<{
        devices: { deviceId: number; revokedAt: number | null }[];
      }>('/api/me/devices');
      expect(listed.body.devices.filter((d) => d.revokedAt === null)).toHaveLength(5);
      const audited = await auditEntries(
        service.deps.db,
        driver.licence.licenceNumber,
        'device.retire',
      );
      expect(
        audited.flatMap((a) => (JSON.parse(a.after ?? '{}') as { deviceIds: number[] }).deviceIds),
      ).toHaveLength(3);
    });

    it('when a retired device registers its key again, then it comes back under its id and the next oldest is retired; another driver cannot take the key', async () => {
      const driver = await newDriver(service, nextLicence());
      const devices = [];
      for (let i = 0; i < 6; i++) devices.push(await addDevice(driver));
      const [first, second] = devices as [TestDevice, TestDevice];
      // The sixth retired the first (no device holds the e-licence).
      const again = await driver.http.post<{ deviceId: number }>('/api/me/devices', {
        publicKey: first.signer.publicJwk.x,
      });
      expect([again.status, again.body.deviceId]).toEqual([201, first.deviceId]);
      const listed = await driver.http.get<{
        devices: { deviceId: number; revokedAt: number | null }[];
      }>('/api/me/devices');
      expect(
        listed.body.devices.filter((d) => d.revokedAt !== null).map((d) => d.deviceId),
      ).toEqual([second.deviceId]);
      const other = await newDriver(service, nextLicence());
      const taken = await other.http.post<{ code: string }>('/api/me/devices', {
        publicKey: second.signer.publicJwk.x,
      });
      expect([taken.status, taken.body.code]).toEqual([409, 'ERR_DEVICE_EXISTS']);
    });

    it('when nobody is signed in, then 401; without the CSRF token, then 403', async () => {
      const anonymous = await fetch(`${service.url}/api/me/devices`);
      expect(anonymous.status).toBe(401);
      const driver = await newDriver(service, nextLicence());
      const reply = await fetch(`${service.url}/api/me/devices`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // The session cookie alone, as a cross-site form would send it.
          cookie: driver.http.cookie,
        },
        body: JSON.stringify({ publicKey: hex('11'.repeat(32)) }),
      });
      expect(reply.status).toBe(403);
    });
  });

  describe('issuance', () => {
    it('when the licence is usable, then 201 and the credential verifies against the JWKS and the status list', async () => {
      const driver = await newDriver(service, REFERENCE[0] ?? nextLicence(), {
        portraitHash: 'x'.repeat(43),
      });
      const device = await addDevice(driver);
      const reply = await driver.http.post<IssuedBody>(credentialPath(device.deviceId));
      expect(reply.status).toBe(201);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      const issued = reply.body;
      const report = await presentAndVerify(service.url, service.now(), issued, device);
      expect(report.valid, report.message.en).toBe(true);
      expect(report.warnings).toEqual([]);
      expect(report.credential).toMatchObject({
        jti: issued.jti,
        exp: issued.expiresAt,
        iss: 'https://issuer.test',
        kid: service.deps.keys.current().kid,
        status: { idx: issued.index, uri: `https://issuer.test/status/${issued.listId}` },
        portraitHash: 'x'.repeat(43),
      });
      expect(issued.expiresAt).toBe(service.now() + 30 * 86_400);

      const [row] = await rows(driver.licence.licenceNumber);
      expect(row).toMatchObject({ jti: issued.jti, state: 'live', device_id: device.deviceId });
      const current = await driver.http.get<IssuedBody & { deviceId: number }>(
        '/api/me/credential',
      );
      expect(current.body).toEqual({ ...issued, deviceId: device.deviceId });
      // The key stays published at least as long as what it signed.
      const key = await service.deps.db.kysely
        .selectFrom('issuer_keys')
        .select('last_expiry')
        .where('kid', '=', service.deps.keys.current().kid)
        .executeTakeFirstOrThrow();
      expect(key.last_expiry).toBeGreaterThanOrEqual(issued.expiresAt);
      // The audit names the slot, not the person.
      const [audit] = await auditEntries(
        service.deps.db,
        driver.licence.licenceNumber,
        'credential.issue',
      );
      expect(audit?.actor).toBe(`driver:${driver.driverId}`);
      expect(JSON.parse(audit?.after ?? '{}')).toMatchObject({
        jti: issued.jti,
        deviceId: device.deviceId,
        listId: issued.listId,
        index: issued.index,
        mode: 'new',
      });
      expect(audit?.after).not.toContain(driver.licence.name);
    });

    it("when a credential is issued, then it is of format version 2 with the holder's copy the phone presents from: the same copy on a replay, while current and from GET /api/me/credential, a new seed on a refresh", async () => {
      const { driver, device } = await newHolder();
      service.advance(1);
      const first = await driver.http.post<IssuedBody>(
        credentialPath(device.deviceId),
        undefined,
        idempotency('v2-1'),
      );
      expect(first.status).toBe(201);
      const issued = first.body;
      expect(typOf(issued.credential)).toBe('lzdl+sd-jwt');
      const copy = parseHolderCopy(issued.holderCopy);
      expect(copy.credential).toBe(issued.credential);
      expect(copy.values[0]).toEqual({ nm: driver.licence.name });
      expect(copy.values[2]).toMatchObject({ no: driver.licence.licenceNumber });
      const [row] = await service.deps.db.kysely
        .selectFrom('credentials')
        .select(['holder_copy'])
        .where('jti', '=', issued.jti)
        .execute();
      expect(row?.holder_copy).toBe(issued.holderCopy);

      const replay = await driver.http.post<IssuedBody>(
        credentialPath(device.deviceId),
        undefined,
        idempotency('v2-1'),
      );
      expect([replay.status, replay.body]).toEqual([200, issued]);
      const current = await driver.http.post<IssuedBody>(credentialPath(device.deviceId));
      expect([current.status, current.body]).toEqual([200, issued]);
      const got = await driver.http.get<IssuedBody & { deviceId: number }>('/api/me/credential');
      expect([got.status, got.body]).toEqual([200, { ...issued, deviceId: device.deviceId }]);

      const report = await presentAndVerify(service.url, service.now(), issued, device);
      expect(report.valid, report.message.en).toBe(true);
      expect(report.disclosure).toMatchObject({ version: 2, purpose: 'police', withheld: [] });

      service.advance(3600);
      const refreshed = await issue(driver, device);
      expect(refreshed.jti).not.toBe(issued.jti);
      const seeds = [copy, parseHolderCopy(refreshed.holderCopy)].map((c) =>
        Buffer.from(c.seed).toString('hex'),
      );
      expect(seeds[0]).not.toBe(seeds[1]);
    });

    it("when the driver's live credential is of format version 1 (issued before version 2), then GET /api/me/credential is 404, and a refresh signs a version 2 one in its slot", async () => {
      const { driver, device } = await newHolder();
      service.advance(1);
      const old = await issue(driver, device);
      await makeVersion1(driver, device, old.jti);
      const got = await driver.http.get<{ code: string }>('/api/me/credential');
      expect([got.status, got.body.code]).toEqual([404, 'ERR_NOT_FOUND']);

      // Still within CREDENTIAL_REFRESH_AFTER, but a version 1 credential is never current.
      service.advance(1);
      const reply = await driver.http.post<IssuedBody>(credentialPath(device.deviceId));
      expect(reply.status).toBe(201);
      expect(typOf(reply.body.credential)).toBe('lzdl+sd-jwt');
      expect([reply.body.listId, reply.body.index]).toEqual([old.listId, old.index]);
      expect((await rows(driver.licence.licenceNumber)).map((r) => [r.jti, r.state])).toEqual([
        [old.jti, 'refreshed'],
        [reply.body.jti, 'live'],
      ]);
      const got2 = await driver.http.get<IssuedBody>('/api/me/credential');
      expect([got2.status, got2.body.holderCopy]).toEqual([200, reply.body.holderCopy]);
      const report = await presentAndVerify(service.url, service.now(), reply.body, device);
      expect(report.valid, report.message.en).toBe(true);
    });

    it('when an idempotency key names a version 1 credential, then the replay gets a version 2 one signed now, which the key then names', async () => {
      const { driver, device } = await newHolder();
      service.advance(1);
      const old = await issue(driver, device, 'before-v2');
      await makeVersion1(driver, device, old.jti);
      service.advance(1);
      const replay = await driver.http.post<IssuedBody>(
        credentialPath(device.deviceId),
        undefined,
        idempotency('before-v2'),
      );
      expect(replay.status).toBe(201);
      expect(replay.body.jti).not.toBe(old.jti);
      expect(parseHolderCopy(replay.body.holderCopy).credential).toBe(replay.body.credential);
      const again = await driver.http.post<IssuedBody>(
        credentialPath(device.deviceId),
        undefined,
        idempotency('before-v2'),
      );
      expect([again.status, again.body]).toEqual([200, replay.body]);
      const keys = await service.deps.db.kysely
        .selectFrom('credentials')
        .select(['jti', 'idempotency_key'])
        .where('licence_number', '=', driver.licence.licenceNumber)
        .orderBy('issued_at')
        .execute();
      expect(keys).toEqual([
        { jti: old.jti, idempotency_key: null },
        { jti: replay.body.jti, idempotency_key: 'before-v2' },
      ]);
    });

    it('when live credentials of format version 1 remain under the current key, then reissueAll re-signs them as version 2 in their slots', async () => {
      const { driver, device } = await newHolder();
      service.advance(1);
      const old = await issue(driver, device);
      await makeVersion1(driver, device, old.jti);
      const counts = await reissueAll(service.deps, { signThreads: 0 });
      expect(counts).toEqual({ reissued: 1, skipped: 0, batches: 1 });
      const live = await service.deps.db.kysely
        .selectFrom('credentials')
        .select(['jti', 'list_id', 'status_index', 'credential', 'holder_copy'])
        .where('licence_number', '=', driver.licence.licenceNumber)
        .where('state', '=', 'live')
        .executeTakeFirstOrThrow();
      expect(live.jti).not.toBe(old.jti);
      expect([live.list_id, live.status_index]).toEqual([old.listId, old.index]);
      expect(typOf(live.credential)).toBe('lzdl+sd-jwt');
      expect(parseHolderCopy(live.holder_copy ?? '').credential).toBe(live.credential);
      // Nothing left: every live credential now has its holder's copy.
      expect(await reissueAll(service.deps, { signThreads: 0 })).toEqual({
        reissued: 0,
        skipped: 0,
        batches: 0,
      });
    });

    it('when the holder turns 18 within the credential lifetime, then exp stops at 00:00 China time of the birthday, and the age flag is false until then', async () => {
      const today = chinaDate(new Date(service.now() * 1000));
      const day = (days: number) =>
        new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
      const birthday = day(10);
      const birthDate = `${Number(birthday.slice(0, 4)) - 18}${birthday.slice(4)}`;
      const driver = await newDriver(service, licenceBornOn(serial++, birthDate, day(-30)));
      const device = await addDevice(driver);
      const issued = await issue(driver, device);
      // 00:00 on the 18th birthday in China time (UTC+8), not 30 days on.
      expect(issued.expiresAt).toBe(Date.parse(`${birthday}T00:00:00+08:00`) / 1000);
      expect(issued.expiresAt).toBeLessThan(service.now() + 30 * 86_400);
      expect(parseHolderCopy(issued.holderCopy).values.slice(4)).toEqual([false, false]);
      const report = await presentAndVerify(service.url, service.now(), issued, device, {
        purpose: 'age',
      });
      expect(report.valid, report.message.en).toBe(true);
      expect(report.credential?.exp).toBe(issued.expiresAt);
      expect(report.disclosure).toMatchObject({ purpose: 'age', ageOver18: false });
      expect((await rows(driver.licence.licenceNumber))[0]?.expires_at).toBe(issued.expiresAt);
    });

    it('when the licence ends within the credential lifetime, then exp (and the row) stop at its last day', async () => {
      const today = chinaDate(new Date(service.now() * 1000));
      const lastDay = new Date(Date.parse(`${today}T00:00:00Z`) + 5 * 86_400)
        .toISOString()
        .slice(0, 10);
      const driver = await newDriver(service, { ...nextLicence(), validTo: lastDay });
      const device = await addDevice(driver);
      const issued = await issue(driver, device);
      // The end of lastDay in China time (UTC+8).
      expect(issued.expiresAt).toBe(Date.parse(`${lastDay}T16:00:00Z`) / 1000);
      const report = await presentAndVerify(service.url, service.now(), issued, device);
      expect(report.credential?.exp).toBe(issued.expiresAt);
      expect((await rows(driver.licence.licenceNumber))[0]?.expires_at).toBe(issued.expiresAt);
    });

    it('when the same idempotency key is sent twice, then the same credential (200), one row', async () => {
      const { driver, device } = await newHolder();
      const first = await driver.http.post<IssuedBody>(
        credentialPath(device.deviceId),
        undefined,
        idempotency('retry-1'),
      );
      const again = await driver.http.post<IssuedBody>(
        credentialPath(device.deviceId),
        undefined,
        idempotency('retry-1'),
      );
      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body).toEqual(first.body);
      expect(await rows(driver.licence.licenceNumber)).toHaveLength(1);
    });

    it('when the same device asks again and nothing changed, then 200 with the same credential and nothing written', async () => {
      const { driver, device } = await newHolder();
      service.advance(1); // signed after the licence entry was written
      const ask = () => driver.http.post<IssuedBody>(credentialPath(device.deviceId));
      const first = await ask();
      service.advance(3599); // CREDENTIAL_REFRESH_AFTER less one second
      const again = await ask();
      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body).toEqual(first.body);
      expect(await rows(driver.licence.licenceNumber)).toHaveLength(1);
      const audited = await auditEntries(
        service.deps.db,
        driver.licence.licenceNumber,
        'credential.issue',
      );
      expect(audited).toHaveLength(1);
    });

    it('when the licence changed since the credential was signed (points, portrait), then a new one carrying the change', async () => {
      const { driver, device } = await newHolder();
      service.advance(1);
      const first = await issue(driver, device);
      service.advance(1);
      await change(driver, { action: 'points', points: 3 });
      // The same second as the change: signed again, not taken for current.
      const second = await issue(driver, device);
      expect(second.jti).not.toBe(first.jti);
      const afterPoints = await presentAndVerify(service.url, service.now(), second, device);
      expect(afterPoints.licence?.points).toBe(3);

      service.advance(1);
      await service.deps.db.kysely.transaction().execute((trx) =>
        storePortrait(trx, {
          licenceNumber: driver.licence.licenceNumber,
          photo: Buffer.from('a portrait'),
          hash: 'p'.repeat(43),
          source: 'registry',
          now: service.now(),
        }),
      );
      service.advance(1);
      const third = await issue(driver, device);
      expect(third.jti).not.toBe(second.jti);
      const afterPortrait = await presentAndVerify(service.url, service.now(), third, device);
      expect(afterPortrait.credential?.portraitHash).toBe('p'.repeat(43));
      service.advance(1);
      expect((await issue(driver, device)).jti).toBe(third.jti);
    });

    it('when the same device asks again CREDENTIAL_REFRESH_AFTER later, then a new credential takes the same slot and the old is refreshed', async () => {
      const { driver, device } = await newHolder();
      service.advance(1);
      const first = await issue(driver, device);
      service.advance(3600);
      const second = await issue(driver, device);
      expect(second.jti).not.toBe(first.jti);
      expect([second.listId, second.index]).toEqual([first.listId, first.index]);
      const all = await rows(driver.licence.licenceNumber);
      expect(all.map((r) => [r.jti, r.state])).toEqual([
        [first.jti, 'refreshed'],
        [second.jti, 'live'],
      ]);
      const report = await presentAndVerify(service.url, service.now(), second, device);
      expect(report.valid, report.message.en).toBe(true);
    });

    it('when concurrent requests race for one licence, then exactly one live credential remains', async () => {
      const driver = await newDriver(service, nextLicence());
      const a = await addDevice(driver);
      const b = await addDevice(driver);
      const replies = await Promise.all(
        [a, b, a, b, a, a].map((device, i) =>
          driver.http.post<IssuedBody>(
            credentialPath(device.deviceId),
            undefined,
            idempotency(`race-${i}`),
          ),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      const all = await rows(driver.licence.licenceNumber);
      expect(all).toHaveLength(6);
      expect(all.filter((r) => r.state === 'live')).toHaveLength(1);
    });

    // SQLite has one writer: no other node can commit in the middle of a transaction.
    if (engine === 'postgres') {
      it('when another node commits a live credential mid-way, then the transaction is retried once and one live credential remains', async () => {
        const driver = await newDriver(service, nextLicence());
        const mine = await addDevice(driver);
        const theirs = await addDevice(driver);
        const { deps } = service;
        let injected: string | undefined;
        const racing = {
          ...deps,
          statusLists: {
            ...deps.statusLists,
            // Just before this issuance allocates, another node commits a live credential.
            allocate: async (trx: Parameters<typeof deps.statusLists.allocate>[0]) => {
              if (injected === undefined) {
                injected = 'injected-by-another-node';
                const slot = await deps.db.kysely
                  .transaction()
                  .execute((other) => deps.statusLists.allocate(other));
                await deps.db.kysely
                  .insertInto('credentials')
                  .values({
                    jti: injected,
                    licence_number: driver.licence.licenceNumber,
                    device_id: theirs.deviceId,
                    list_id: slot.listId,
                    status_index: slot.index,
                    kid: deps.keys.current().kid,
                    issued_at: service.now(),
                    expires_at: service.now() + 60,
                    state: 'live',
                    idempotency_key: null,
                    credential: 'x',
                  })
                  .execute();
              }
              return deps.statusLists.allocate(trx);
            },
          },
        };
        const outcome = await issueCredential(racing, {
          driverId: driver.driverId,
          deviceId: mine.deviceId,
        });
        const all = await rows(driver.licence.licenceNumber);
        expect(all.map((r) => [r.jti, r.state])).toEqual([
          [injected, 'superseded'],
          [outcome.jti, 'live'],
        ]);
        // The first attempt's slot went back with its transaction; the retry took the next.
        const audits = await auditEntries(
          deps.db,
          driver.licence.licenceNumber,
          'credential.issue',
        );
        expect(audits).toHaveLength(1);
        expect(JSON.parse(audits[0]?.after ?? '{}')).toMatchObject({ mode: 'supersede' });
      });
    }

    it('when a second device asks, then the first credential is superseded: its entry is 3 and it verifies as ERR_SUPERSEDED', async () => {
      const driver = await newDriver(service, nextLicence());
      const phone = await addDevice(driver);
      const tablet = await addDevice(driver);
      const old = await issue(driver, phone);
      const fresh = await issue(driver, tablet);
      expect([fresh.listId, fresh.index]).not.toEqual([old.listId, old.index]);
      const view = await fetchVerifierView(service.url, [old.listId]);
      const list = view.statusLists.get(`https://issuer.test/status/${old.listId}`);
      expect(list && readStatus(list.list, list.bits, old.index)).toBe(STATUS.SUPERSEDED);
      expect(list && readStatus(list.list, list.bits, fresh.index)).toBe(STATUS.VALID);

      const before = await presentAndVerify(service.url, service.now(), old, phone);
      expect(before.code).toBe('ERR_SUPERSEDED');
      const after = await presentAndVerify(service.url, service.now(), fresh, tablet);
      expect(after.valid, after.message.en).toBe(true);
      const states = (await rows(driver.licence.licenceNumber)).map((r) => r.state);
      expect(states).toEqual(['superseded', 'live']);
    });

    it('when a refreshed phone is taken over and the licence is then suspended and restored, then the old phone still verifies as ERR_SUPERSEDED', async () => {
      const driver = await newDriver(service, nextLicence());
      const phoneA = await addDevice(driver);
      const phoneB = await addDevice(driver);
      await issue(driver, phoneA);
      // A day later, the refresh signs again in the same slot: the first becomes `refreshed`.
      service.advance(3600);
      const refreshed = await issue(driver, phoneA);
      const taken = await issue(driver, phoneB);
      await change(driver, { action: 'suspend' });
      await change(driver, { action: 'restore' });

      const old = await presentAndVerify(service.url, service.now(), refreshed, phoneA);
      expect(old.code).toBe('ERR_SUPERSEDED');
      const current = await presentAndVerify(service.url, service.now(), taken, phoneB);
      expect(current.valid, current.message.en).toBe(true);
      const states = (await rows(driver.licence.licenceNumber)).map((r) => r.state);
      expect(states).toEqual(['superseded', 'superseded', 'live']);
    });

    it('when the licence is suspended, then the credential verifies as ERR_SUSPENDED and issuance is 409; restored, valid again', async () => {
      const { driver, device } = await newHolder();
      const issued = await issue(driver, device);
      await change(driver, { action: 'suspend' });

      const suspended = await presentAndVerify(service.url, service.now(), issued, device);
      expect(suspended.code).toBe('ERR_SUSPENDED');
      const refused = await driver.http.post<{ code: string; reason: string }>(
        credentialPath(device.deviceId),
      );
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'ERR_LICENCE_NOT_USABLE', reason: 'suspended' });

      await change(driver, { action: 'restore' });
      const restored = await presentAndVerify(service.url, service.now(), issued, device);
      expect(restored.valid, restored.message.en).toBe(true);
      const again = await issue(driver, device);
      expect([again.listId, again.index]).toEqual([issued.listId, issued.index]);
    });

    it.each([
      ['suspended, 12 points (D)', 2, 'suspended'],
      ['past its validity (M)', 3, 'expired'],
    ])(
      'when the licence is %s, then 409 ERR_LICENCE_NOT_USABLE, reason %s, and nothing is allocated',
      async (_why, index, reason) => {
        const licence = REFERENCE[index];
        if (licence === undefined) throw new Error(`reference licence ${index} missing`);
        const driver = await newDriver(service, licence);
        const device = await addDevice(driver);
        const reply = await driver.http.post<{ code: string; reason: string; detail: string }>(
          credentialPath(device.deviceId),
        );
        expect(reply.status).toBe(409);
        expect(reply.body).toMatchObject({ code: 'ERR_LICENCE_NOT_USABLE', reason });
        expect(reply.body.detail).not.toContain(licence.name);
        expect(await rows(licence.licenceNumber)).toHaveLength(0);
      },
    );

    it("when the device is another driver's, revoked or unknown, then 404", async () => {
      const driver = await newDriver(service, nextLicence());
      const other = await newDriver(service, nextLicence());
      const theirs = await addDevice(other);
      const mine = await addDevice(driver);
      await service.deps.db.kysely
        .updateTable('devices')
        .set({ revoked_at: service.now() })
        .where('id', '=', mine.deviceId)
        .execute();
      for (const deviceId of [theirs.deviceId, mine.deviceId, 999_999]) {
        const reply = await driver.http.post<{ code: string }>(credentialPath(deviceId));
        expect(reply.status).toBe(404);
      }
      expect((await driver.http.get('/api/me/credential')).status).toBe(404);
    });

    it('when the device was revoked after its credential was issued, then a refresh is 404, not that credential', async () => {
      const { driver, device } = await newHolder();
      service.advance(1);
      await issue(driver, device);
      await service.deps.db.kysely
        .updateTable('devices')
        .set({ revoked_at: service.now() })
        .where('id', '=', device.deviceId)
        .execute();
      const reply = await driver.http.post<{ code: string }>(credentialPath(device.deviceId));
      expect([reply.status, reply.body.code]).toEqual([404, 'ERR_NOT_FOUND']);
    });

    it('when the licence has ended since its credential was signed, then a refresh is 409 expired, not that credential', async () => {
      const today = chinaDate(new Date(service.now() * 1000));
      const driver = await newDriver(
        service,
        { ...nextLicence(), validTo: today },
        { sessionLifetime: 3 * 86_400 },
      );
      const device = await addDevice(driver);
      service.advance(1);
      await issue(driver, device);
      const shift = 86_400;
      service.advance(shift);
      try {
        const reply = await driver.http.post<{ code: string; reason: string }>(
          credentialPath(device.deviceId),
        );
        expect([reply.status, reply.body.code, reply.body.reason]).toEqual([
          409,
          'ERR_LICENCE_NOT_USABLE',
          'expired',
        ]);
      } finally {
        service.advance(-shift);
      }
    });

    it.each([
      ['with a space', '"a b"', 'a quoted value of another form'],
      ['of 65 characters', `"${'k'.repeat(65)}"`, 'a quoted value of another form'],
      ['empty', '""', 'a quoted value of another form'],
      ['without its quotes', 'retry-1', 'a value without quotes'],
    ])(
      'when the Idempotency-Key is %s, then 422 ERR_VALIDATION naming the header, and nothing is issued',
      async (_why, value, found) => {
        const { driver, device } = await newHolder();
        const reply = await driver.http.post<{ code: string; issues: unknown }>(
          credentialPath(device.deviceId),
          undefined,
          { 'idempotency-key': value },
        );
        expect([reply.status, reply.body.code]).toEqual([422, 'ERR_VALIDATION']);
        expect(reply.body.issues).toEqual([
          {
            field: 'Idempotency-Key',
            expected: 'a quoted string of 1-64 characters of A-Z a-z 0-9 - _ . : (e.g. "retry-1")',
            found,
          },
        ]);
        expect(await rows(driver.licence.licenceNumber)).toHaveLength(0);
      },
    );

    it.each([
      ['a word', 'first'],
      ['zero', '0'],
      ['a negative number', '-1'],
      ['16 digits', '1234567890123456'],
    ])('when the device in the path is %s, then 404 ERR_NOT_FOUND', async (_why, id) => {
      const driver = await newDriver(service, nextLicence());
      const reply = await driver.http.post<{ code: string }>(`/api/me/devices/${id}/credential`);
      expect([reply.status, reply.body.code]).toEqual([404, 'ERR_NOT_FOUND']);
    });
  });

  it('the device keys the service accepted are the ones the verifier backend accepts', async () => {
    const keys = await service.deps.db.kysely.selectFrom('devices').select('public_key').execute();
    expect(keys.length).toBeGreaterThan(0);
    for (const { public_key } of keys)
      expect(() => nodeBackend.importPublicKey(Buffer.from(public_key, 'base64url'))).not.toThrow();
  });
});
