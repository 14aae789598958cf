/**
 * Binding a licence to an account, over real HTTP on SQLite and PostgreSQL: a code to the phone
 * and a real-person check before an account holds a licence; nothing a licence gives (its view,
 * an application, a device key, a credential, a portrait) before; every outcome of the check;
 * the take-over by the real person and what it leaves of the old account (its phone's code
 * SUPERSEDED at a verifier, its sessions ended, its notice); a failed attempt that changes
 * nothing; 忘记密码; the reviewer's reference photo.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BINDING_CHECKS_PER_LICENCE_HOUR } from '../../issuer/accounts/binding-routes.js';
import { CODE_MAX_ATTEMPTS } from '../../issuer/accounts/phone-codes.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import { devIdentityCheck, devSms, enrol, lastCode, signInByPhone } from './enrol.js';
import {
  addDevice,
  insertIssuedApplication,
  insertLicence,
  issue,
  presentAndVerify,
  syntheticLicence,
  type TestDriver,
  SessionClient,
} from './fixtures.js';
import {
  Client,
  ENGINES,
  openEveryConnection,
  startService,
  type Reply,
  type TestService,
} from './harness.js';
import { SELFIE } from './photos.js';

const PASSWORD = 'correct horse battery';

interface Problem {
  code: string;
  detail: string;
  triesLeft?: number;
}

function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: (reply.body as Problem).code }).toEqual({ status, code });
}

describe.each(ENGINES)('binding a licence on %s', (engine) => {
  let service: TestService;
  let serial = 0;
  let phoneSerial = 0;
  const phone = () => `137${String((phoneSerial += 1)).padStart(8, '0')}`;

  beforeAll(async () => {
    service = await startService(engine);
  });
  afterAll(async () => {
    await service.close();
  });
  beforeEach(() => {
    // A new window for the per-address limits.
    service.advance(3601);
  });

  async function newLicence(): Promise<LicenceRecord> {
    const licence = syntheticLicence(900 + (serial += 1));
    await insertLicence(service.deps.db, licence, service.now());
    return licence;
  }

  /** Registers and signs in by phone: an account with a claim and a code sent, no licence. */
  async function registered(licence: LicenceRecord) {
    const client = service.client();
    const who = { licenceNumber: licence.licenceNumber, name: licence.name, phone: phone() };
    const reply = await client.post<{ driverId: number }>('/api/drivers', {
      ...who,
      password: PASSWORD,
    });
    expect(reply.status).toBe(201);
    await signInByPhone(client, who.phone, PASSWORD);
    return { client, driverId: reply.body.driverId, phone: who.phone };
  }

  /** Enrols a driver of `licence` over HTTP (registration, code, real-person check), signed in. */
  async function enrolled(licence: LicenceRecord) {
    const client = service.client();
    const to = phone();
    const { driverId } = await enrol(service, client, {
      licenceNumber: licence.licenceNumber,
      name: licence.name,
      phone: to,
      password: PASSWORD,
    });
    return { client, driverId, phone: to };
  }

  it('when an account has not passed code and check, then every route that gives a licence, an application, a device or a credential answers 403 ERR_LICENCE_NOT_BOUND', async () => {
    const { client } = await registered(await newLicence());
    const me = await client.get<{ licenceNumber: string | null }>('/api/me');
    expect(me.body.licenceNumber).toBeNull();
    const refused = [
      await client.get('/api/me/licence'),
      await client.get('/api/me/portrait'),
      await client.get('/api/me/application/paths'),
      await client.post('/api/me/application', { path: 'camera' }),
      await client.post('/api/me/devices', {
        publicKey: createJwkSigner(generateKeyPair().privateJwk).publicJwk.x,
      }),
    ];
    // No application was ever made.
    expectProblem(await client.get('/api/me/application'), 404, 'ERR_NOT_FOUND');
    expect(refused.map((r) => `${r.status} ${(r.body as Problem).code}`)).toEqual(
      refused.map(() => '403 ERR_LICENCE_NOT_BOUND'),
    );
    // The code alone binds nothing either.
    expect((await client.post('/api/me/binding/code', { code: lastCodeOf(client) })).status).toBe(
      200,
    );
    expectProblem(await client.get('/api/me/licence'), 403, 'ERR_LICENCE_NOT_BOUND');
    expect((await client.get('/api/me/binding')).body).toMatchObject({ state: 'code_passed' });
  });

  /** The code last sent to the phone of the account `client` registered (one per test). */
  function lastCodeOf(_client: Client): string {
    const sent = devSms(service).sent;
    const last = sent[sent.length - 1];
    if (last === undefined) throw new Error('no code sent');
    return last.code;
  }

  it('when the check is asked before the code, or the code is wrong, then 409 ERR_CODE_REQUIRED and 422 ERR_CODE_WRONG with the tries left, until the code is spent', async () => {
    const { client, phone: to } = await registered(await newLicence());
    expectProblem(
      await client.post('/api/me/binding/check', { selfie: SELFIE }),
      409,
      'ERR_CODE_REQUIRED',
    );
    const right = lastCode(service, to);
    const wrong = right === '000000' ? '111111' : '000000';
    const first = await client.post<Problem>('/api/me/binding/code', { code: wrong });
    expectProblem(first, 422, 'ERR_CODE_WRONG');
    expect(first.body.triesLeft).toBe(CODE_MAX_ATTEMPTS - 1);
    for (let i = 2; i <= CODE_MAX_ATTEMPTS; i++)
      await client.post('/api/me/binding/code', { code: wrong });
    // Spent: even the right code is refused now; a new one must be asked for.
    expectProblem(
      await client.post('/api/me/binding/code', { code: right }),
      422,
      'ERR_CODE_EXPIRED',
    );
    service.advance(61);
    expect((await client.post('/api/me/binding/code/resend')).status).toBe(202);
    expect(
      (await client.post('/api/me/binding/code', { code: lastCode(service, to) })).status,
    ).toBe(200);
  });

  it('when forty wrong codes are sent at once, then five are compared (ERR_CODE_WRONG) and the rest are 422 ERR_CODE_EXPIRED; the right one then too', async () => {
    const { client, phone: to } = await registered(await newLicence());
    await openEveryConnection(service);
    const right = lastCode(service, to);
    const guesses = Array.from({ length: 41 }, (_, i) => String(i).padStart(6, '0'))
      .filter((code) => code !== right)
      .slice(0, 40);
    const replies = await Promise.all(
      guesses.map((code) => client.post<Problem>('/api/me/binding/code', { code })),
    );
    const codes = replies.map((r) => `${r.status} ${r.body.code}`);
    expect(codes.filter((c) => c === '422 ERR_CODE_WRONG')).toHaveLength(CODE_MAX_ATTEMPTS);
    expect(codes.filter((c) => c === '422 ERR_CODE_EXPIRED')).toHaveLength(40 - CODE_MAX_ATTEMPTS);
    expect(
      replies
        .map((r) => r.body.triesLeft)
        .filter((n) => n !== undefined)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    expectProblem(
      await client.post('/api/me/binding/code', { code: right }),
      422,
      'ERR_CODE_EXPIRED',
    );
  });

  it.each([
    ['mismatch', 422, 'ERR_IDENTITY_MISMATCH'],
    ['liveness_failed', 422, 'ERR_LIVENESS_FAILED'],
    ['unavailable', 503, 'ERR_IDENTITY_UNAVAILABLE'],
  ] as const)(
    'when the real-person check answers %s, then %i %s and the account holds nothing; a later match binds',
    async (outcome, status, code) => {
      const licence = await newLicence();
      const { client, phone: to } = await registered(licence);
      await client.post('/api/me/binding/code', { code: lastCode(service, to) });
      devIdentityCheck(service).answerNext(outcome);
      expectProblem(await client.post('/api/me/binding/check', { selfie: SELFIE }), status, code);
      expectProblem(await client.get('/api/me/licence'), 403, 'ERR_LICENCE_NOT_BOUND');
      const bound = await client.post<{ takenOver: boolean }>('/api/me/binding/check', {
        selfie: SELFIE,
      });
      expect({ status: bound.status, body: bound.body }).toEqual({
        status: 200,
        body: { bound: true, takenOver: false },
      });
      expect((await client.get('/api/me/licence')).status).toBe(200);
      const entries = await service.deps.db.kysely
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('subject', '=', licence.licenceNumber)
        .where('action', 'in', ['binding.check_failed', 'licence.bound'])
        .orderBy('id')
        .execute();
      expect(entries.map((e) => e.action)).toEqual(['binding.check_failed', 'licence.bound']);
      expect(entries.map((e) => e.after).join('')).not.toContain(SELFIE.slice(0, 16));
    },
  );

  it('when one licence has had 5 real-person checks within the hour, then the 6th is 429 ERR_RATE_LIMITED, from any account, and checks nothing', async () => {
    const licence = await newLicence();
    const first = await registered(licence);
    await first.client.post('/api/me/binding/code', { code: lastCode(service, first.phone) });
    const check = devIdentityCheck(service);
    check.answerNext('mismatch', 'mismatch', 'mismatch', 'mismatch', 'mismatch');
    for (let i = 0; i < BINDING_CHECKS_PER_LICENCE_HOUR; i++)
      expectProblem(
        await first.client.post('/api/me/binding/check', { selfie: SELFIE }),
        422,
        'ERR_IDENTITY_MISMATCH',
      );
    const other = await registered(licence);
    await other.client.post('/api/me/binding/code', { code: lastCode(service, other.phone) });
    const checksBefore = check.checks;
    expectProblem(
      await other.client.post('/api/me/binding/check', { selfie: SELFIE }),
      429,
      'ERR_RATE_LIMITED',
    );
    expect(check.checks).toBe(checksBefore);
    // An hour on, the entered code has lapsed too (30 minutes): a new one, then the check.
    service.advance(3600);
    expectProblem(
      await other.client.post('/api/me/binding/check', { selfie: SELFIE }),
      409,
      'ERR_CODE_REQUIRED',
    );
    expect((await other.client.post('/api/me/binding/code/resend')).status).toBe(202);
    await other.client.post('/api/me/binding/code', { code: lastCode(service, other.phone) });
    expect((await other.client.post('/api/me/binding/check', { selfie: SELFIE })).status).toBe(200);
  });

  /** A driver enrolled over HTTP, with a device and a live credential. */
  async function holderWithCredential(licence: LicenceRecord) {
    const { client, driverId, phone: to } = await enrolled(licence);
    // An issued application, as the application flow leaves it: credentials need one.
    await insertIssuedApplication(service.deps.db, driverId, licence.licenceNumber, service.now());
    const driver: TestDriver = {
      driverId,
      licence,
      http: sessionOf(client),
    };
    return { client, driver, phone: to };
  }

  /** The fixtures' session client over the cookie and CSRF token `client` holds. */
  function sessionOf(client: Client): SessionClient {
    const { cookie, csrfToken } = client.session();
    return new SessionClient(service.url, cookie, csrfToken);
  }

  it('when a second account fails the check for a bound licence, then the first keeps its account, device and valid credential; when one passes, it takes the licence over and the old code verifies ERR_SUPERSEDED', async () => {
    const licence = await newLicence();
    const first = await holderWithCredential(licence);
    const device = await addDevice(first.driver);
    const issued = await issue(first.driver, device);
    expect((await presentAndVerify(service.url, service.now(), issued, device)).valid).toBe(true);

    // A squatter's attempt: a code to its own phone, then a face that is not the holder's.
    const squatter = await registered(licence);
    await squatter.client.post('/api/me/binding/code', {
      code: lastCode(service, squatter.phone),
    });
    devIdentityCheck(service).answerNext('mismatch');
    expectProblem(
      await squatter.client.post('/api/me/binding/check', { selfie: SELFIE }),
      422,
      'ERR_IDENTITY_MISMATCH',
    );
    expect((await presentAndVerify(service.url, service.now(), issued, device)).valid).toBe(true);
    expect((await first.client.get('/api/me/licence')).status).toBe(200);
    expect((await first.client.get('/api/me/devices')).body).toMatchObject({
      devices: [expect.objectContaining({ deviceId: device.deviceId })],
    });

    // The real person, on a new account: the match takes the licence over.
    const real = await registered(licence);
    await real.client.post('/api/me/binding/code', { code: lastCode(service, real.phone) });
    const taken = await real.client.post('/api/me/binding/check', { selfie: SELFIE });
    expect({ status: taken.status, body: taken.body }).toEqual({
      status: 200,
      body: { bound: true, takenOver: true },
    });
    const report = await presentAndVerify(service.url, service.now(), issued, device);
    expect({ valid: report.valid, code: report.code }).toEqual({
      valid: false,
      code: 'ERR_SUPERSEDED',
    });
    // The old account: signed out, holds nothing, and told why in its inbox.
    expectProblem(await first.client.get('/api/me'), 401, 'ERR_UNAUTHENTICATED');
    const old = service.client();
    await signInByPhone(old, first.phone, PASSWORD);
    expectProblem(await old.get('/api/me/licence'), 403, 'ERR_LICENCE_NOT_BOUND');
    const inbox = await old.get<{ entries: { kind: string }[] }>('/api/me/inbox');
    expect(inbox.body.entries.map((e) => e.kind)).toContain('licence.taken_over');
    const revoked = await service.deps.db.kysely
      .selectFrom('devices')
      .select('revoked_at')
      .where('driver_id', '=', first.driver.driverId)
      .execute();
    expect(revoked.every((d) => d.revoked_at !== null)).toBe(true);
    const action = await service.deps.db.kysely
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'licence.taken_over')
      .where('subject', '=', licence.licenceNumber)
      .executeTakeFirstOrThrow();
    expect(action.actor).toBe(`driver:${real.driverId}`);
    // The new account holds it: its own device gets a credential that verifies.
    const newDriver: TestDriver = {
      driverId: real.driverId,
      licence,
      http: sessionOf(real.client),
    };
    await insertIssuedApplication(
      service.deps.db,
      real.driverId,
      licence.licenceNumber,
      service.now(),
    );
    const newDevice = await addDevice(newDriver);
    const reissued = await issue(newDriver, newDevice);
    expect((await presentAndVerify(service.url, service.now(), reissued, newDevice)).valid).toBe(
      true,
    );
  });

  it('when a licence is taken over less than the photo-change interval after its last issue, then the new account may apply with the stored photo only; a new photo waits for the interval', async () => {
    const licence = await newLicence();
    await service.deps.db.kysely
      .updateTable('licences')
      .set({ portrait_hash: 'UcWoKWoDLOezAU5mAAwg0NdZ0ukQhz8o-mEHqwEr-Ic' })
      .where('licence_number', '=', licence.licenceNumber)
      .execute();
    await holderWithCredential(licence);
    const issuedAt = service.now();
    const notBefore = issuedAt + service.deps.config.photoChangeIntervalDays * 86_400;
    service.advance(86_400);
    const real = await registered(licence);
    await real.client.post('/api/me/binding/code', { code: lastCode(service, real.phone) });
    const taken = await real.client.post('/api/me/binding/check', { selfie: SELFIE });
    expect(taken.body).toEqual({ bound: true, takenOver: true });

    expect((await real.client.get('/api/me/application/paths')).body).toEqual({
      paths: ['stored'],
      photoChange: false,
      notBefore,
    });
    const album = await real.client.post('/api/me/application', { path: 'album' });
    expectProblem(album, 409, 'ERR_PHOTO_CHANGE_TOO_SOON');
    expect((album.body as { notBefore: number }).notBefore).toBe(notBefore);
    expect((await real.client.post('/api/me/application', { path: 'stored' })).status).toBe(201);
  });

  it('when a password is forgotten, then code and real-person check set a new one and end every session; a failed check changes nothing', async () => {
    const licence = await newLicence();
    const { client: signedIn, phone: to } = await enrolled(licence);
    const anyone = service.client();
    // The same answer for a phone with no account, and no code sent to it.
    const none = await anyone.post('/api/password-reset', { phone: '13699999999' });
    const reset = await anyone.post('/api/password-reset', { phone: to });
    expect({ status: reset.status, text: reset.text }).toEqual({
      status: none.status,
      text: none.text,
    });
    expect(devSms(service).lastCode('13699999999')).toBeUndefined();
    const entered = await anyone.post<{ token: string; checkNeeded: boolean }>(
      '/api/password-reset/code',
      { phone: to, code: lastCode(service, to) },
    );
    expect(entered.status).toBe(200);
    expect(entered.body.checkNeeded).toBe(true);
    const newPassword = 'a new horse battery staple';
    expectProblem(
      await anyone.post('/api/password-reset/complete', {
        token: entered.body.token,
        password: newPassword,
      }),
      422,
      'ERR_VALIDATION',
    );
    devIdentityCheck(service).answerNext('mismatch');
    expectProblem(
      await anyone.post('/api/password-reset/complete', {
        token: entered.body.token,
        password: newPassword,
        selfie: SELFIE,
      }),
      422,
      'ERR_IDENTITY_MISMATCH',
    );
    expect((await signedIn.get('/api/me')).status).toBe(200);
    const done = await anyone.post('/api/password-reset/complete', {
      token: entered.body.token,
      password: newPassword,
      selfie: SELFIE,
    });
    expect(done.status).toBe(204);
    expectProblem(await signedIn.get('/api/me'), 401, 'ERR_UNAUTHENTICATED');
    expectProblem(
      await service.client().post('/api/session', {
        kind: 'driver',
        licenceNumber: licence.licenceNumber,
        password: PASSWORD,
      }),
      401,
      'ERR_SIGN_IN_FAILED',
    );
    const again = await service.client().post('/api/session', {
      kind: 'driver',
      licenceNumber: licence.licenceNumber,
      password: newPassword,
    });
    expect(again.status).toBe(200);
    // The token is spent.
    expectProblem(
      await anyone.post('/api/password-reset/complete', {
        token: entered.body.token,
        password: newPassword,
        selfie: SELFIE,
      }),
      410,
      'ERR_RESET_EXPIRED',
    );
  });

  it('when ten password-reset requests for one phone come at once, then one SMS is sent and one code kept; the others are answered alike', async () => {
    const { phone: to } = await enrolled(await newLicence());
    service.advance(3601);
    await openEveryConnection(service);
    const sentBefore = devSms(service).sent.filter((m) => m.phone === to).length;
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => service.client().post('/api/password-reset', { phone: to })),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 202));
    expect(devSms(service).sent.filter((m) => m.phone === to).length - sentBefore).toBe(1);
    const kept = await service.deps.db.kysely
      .selectFrom('phone_codes')
      .select('id')
      .where('phone', '=', to)
      .where('purpose', '=', 'recovery')
      .execute();
    expect(kept).toHaveLength(1);
  });

  it('when a driver changes phone number, then a code to the new number and a real-person check are asked; a failed check or a taken number changes nothing', async () => {
    const licence = await newLicence();
    const { client, phone: oldPhone } = await enrolled(licence);
    const taken = (await registered(await newLicence())).phone;
    expectProblem(await client.post('/api/me/phone', { phone: taken }), 409, 'ERR_PHONE_TAKEN');
    const newPhone = phone();
    expect((await client.post('/api/me/phone', { phone: newPhone })).status).toBe(202);
    const code = lastCode(service, newPhone);
    expectProblem(
      await client.post('/api/me/phone/confirm', { phone: newPhone, code }),
      422,
      'ERR_VALIDATION',
    );
    devIdentityCheck(service).answerNext('mismatch');
    expectProblem(
      await client.post('/api/me/phone/confirm', { phone: newPhone, code, selfie: SELFIE }),
      422,
      'ERR_IDENTITY_MISMATCH',
    );
    const stored = () =>
      service.deps.db.kysely
        .selectFrom('drivers')
        .select('phone')
        .where('licence_number', '=', licence.licenceNumber)
        .executeTakeFirstOrThrow();
    expect((await stored()).phone).toBe(oldPhone);
    // The code was used by the failed attempt: a new one, then the check passes.
    service.advance(61);
    expect((await client.post('/api/me/phone', { phone: newPhone })).status).toBe(202);
    const changed = await client.post('/api/me/phone/confirm', {
      phone: newPhone,
      code: lastCode(service, newPhone),
      selfie: SELFIE,
    });
    expect(changed.status).toBe(204);
    expect((await stored()).phone).toBe(newPhone);
    await signInByPhone(service.client(), newPhone, PASSWORD);
  });

  it('when a reviewer opens the reference photo of an application, then a JPEG, not cached, the access audited; a driver is refused', async () => {
    const licence = await newLicence();
    const { client } = await holderWithCredential(licence);
    const application = {
      body: await service.deps.db.kysely
        .selectFrom('applications')
        .select('id')
        .where('licence_number', '=', licence.licenceNumber)
        .executeTakeFirstOrThrow(),
    };
    const { cookie, csrfToken } = await reviewerSession();
    const reply = await fetch(
      new URL(`/api/review/applications/${application.body.id}/reference-photo`, service.url),
      { headers: { cookie, 'x-csrf-token': csrfToken } },
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('image/jpeg');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await reply.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    // Nothing of it is kept: no file of the data folder (the SQLite database, its WAL, keys)
    // holds a run of its bytes.
    const needle = Buffer.from(bytes.subarray(bytes.length - 96, bytes.length - 32));
    const files = await readdir(service.deps.config.dataDir, { recursive: true });
    for (const name of files) {
      const file = join(service.deps.config.dataDir, name);
      if (!(await stat(file)).isFile()) continue;
      expect((await readFile(file)).includes(needle), file).toBe(false);
    }
    const audited = await service.deps.db.kysely
      .selectFrom('audit_log')
      .select(['actor', 'after'])
      .where('action', '=', 'reference_photo.viewed')
      .where('subject', '=', `application:${application.body.id}`)
      .execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]?.after).toContain('"outcome":"found"');
    expect(
      (await client.get(`/api/review/applications/${application.body.id}/reference-photo`)).status,
    ).toBe(403);
  });

  async function reviewerSession(): Promise<{ cookie: string; csrfToken: string }> {
    const { createSession } = await import('../../issuer/http/session.js');
    const { id } = await service.deps.db.kysely
      .insertInto('staff')
      .values({
        username: `reviewer-${phoneSerial}`,
        role: 'reviewer',
        password_hash: 'x',
        created_at: service.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return createSession(
      service.deps.db,
      { subject: 'staff', subjectId: id, role: 'reviewer' },
      service.now(),
      3600,
    );
  }
});
