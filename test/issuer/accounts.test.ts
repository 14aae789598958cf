/**
 * The accounts API over real HTTP, on SQLite and PostgreSQL: driver registration against the
 * registry, sign-in with lockout and a per-address rate limit, the session cookie and CSRF, the
 * signed-in account, and staff management; then `liangzheng admin create` as a child process
 * (run `npm run build` first; `npm test` does).
 *
 * One service per engine is shared by the tests; each test starts a new rate-limit window by
 * moving the clock a minute, and uses its own accounts. The rate-limit test runs a second app on
 * the same database, whose limiter starts empty.
 * scrypt costs about 60 ms a hash, so sign-ins are few.
 */
import { readFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedWindowLimiter } from '../../issuer/http/rate-limiter.js';
import { createStaff } from '../../issuer/accounts/staff.js';
import { chinaDateTime } from '../../shared/china-time.js';
import { idNumberCheckCharacter } from '../../shared/licence/id-number.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { createApp } from '../../issuer/app.js';
import { devSms, enrol, lastCode } from './enrol.js';
import { insertLicence, syntheticLicence } from './fixtures.js';
import { Client, ENGINES, startService, type Reply, type TestService } from './harness.js';
import { runCli } from '../helpers/child-process.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { failingSignIn } from '../helpers/failing-sign-in.js';

const fixtures = z
  .object({ licences: z.array(z.looseObject({ licenceNumber: z.string(), name: z.string() })) })
  .parse(
    JSON.parse(
      readFileSync(new URL('../fixtures/reference-licences.json', import.meta.url), 'utf8'),
    ),
  );

function licence(index: number): { licenceNumber: string; name: string } {
  const l = fixtures.licences[index];
  if (l === undefined) throw new Error(`reference-licences.json: no licence ${index}`);
  return { licenceNumber: l.licenceNumber, name: l.name };
}

/** A valid ID number (check character X) that is in no fixture. */
const UNKNOWN_NUMBER = '11010519491231002X';
/** Valid ID numbers in no fixture, one for each test that counts failures under it. */
function unknownIdNumber(serial: number): string {
  const first17 = `11010519500101${String(serial).padStart(3, '0')}`;
  return first17 + idNumberCheckCharacter(first17);
}
/** A phone number of its own for each reference licence's account. */
const phoneOf = (index: number) => `138001380${String(index).padStart(2, '0')}`;
const PASSWORD = 'correct horse battery';
const WRONG_PASSWORD = 'wrong horse battery';

interface Problem {
  code: string;
  detail: string;
  retryAfter?: number;
  triesLeft?: number;
  lockedUntil?: number;
  issues?: { field: string; expected: string; found: string }[];
}

/** Loads every reference licence into the registry, as the registry import would. */
async function seedLicences(service: TestService): Promise<void> {
  for (const raw of fixtures.licences) {
    await insertLicence(service.deps.db, parseLicenceRecord(raw), service.now());
  }
}

function register(client: Client, index: number, changes: Record<string, unknown> = {}) {
  return client.post<{ driverId: number; expiresAt: number } & Problem>('/api/drivers', {
    ...licence(index),
    phone: phoneOf(index),
    password: PASSWORD,
    ...changes,
  });
}

/** Enrols the driver of licences[index] (registration, code, real-person check), phoneOf(index). */
function enrolDriver(service: TestService, index: number) {
  return enrol(service, service.client(), {
    ...licence(index),
    phone: phoneOf(index),
    password: PASSWORD,
  });
}

function signInDriver(client: Client, licenceNumber: string, password = PASSWORD) {
  return client.post<{ role: string; csrfToken: string } & Problem>('/api/session', {
    kind: 'driver',
    licenceNumber,
    password,
  });
}

function signInPhone(client: Client, phone: string, password = PASSWORD) {
  return client.post<{ role: string; csrfToken: string } & Problem>('/api/session', {
    kind: 'phone',
    phone,
    password,
  });
}

/** Five wrong passwords in a row: four refused with the tries left, the fifth locks. */
async function lockOut(signIn: (password: string) => Promise<Reply>): Promise<void> {
  const answers = [];
  for (let i = 1; i <= 5; i++) {
    const reply = await signIn(WRONG_PASSWORD);
    answers.push([reply.status, (reply.body as Problem).code]);
  }
  expect(answers).toEqual([
    ...Array.from({ length: 4 }, () => [401, 'ERR_SIGN_IN_FAILED']),
    [429, 'ERR_SIGN_IN_LOCKED'],
  ]);
}

function signInStaff(client: Client, username: string, password: string) {
  return client.post<{ role: string; csrfToken: string } & Problem>('/api/session', {
    kind: 'staff',
    username,
    password,
  });
}

/** Fails sign-in 5 times in a row (as many as lock an account), each 401 ERR_SIGN_IN_FAILED. */
function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: (reply.body as Problem).code }).toEqual({ status, code });
  expect(reply.headers.get('content-type')).toContain('application/problem+json');
}

/** A POST from another loopback address, to tell the rate limit's addresses apart. */
function postFrom(
  localAddress: string,
  url: string,
  body: unknown,
  path = '/api/session',
): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Listens with an app on 127.0.0.1, port 0; close() stops it without closing the database. */
async function listenOnLoopback(
  app: ReturnType<typeof createApp>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => {
      resolve(s);
    });
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

describe.each(ENGINES)('accounts on %s', (engine) => {
  let service: TestService;
  let admin: { id: number; username: string; password: string };
  let reviewer: { id: number; username: string; password: string };
  /**
   * Runs `use` with a client of a second app on the service's database, trusting `trustProxy`
   * (absent: none): its limiters start empty, as their state is per app. The app stops after.
   */
  async function withFreshApp(
    trustProxy: number | readonly string[] | undefined,
    use: (client: Client, url: string) => Promise<void>,
  ): Promise<void> {
    const { config } = service.deps;
    expect(config.trustProxy).toBeUndefined();
    const fresh = await listenOnLoopback(
      createApp({
        ...service.deps,
        config: trustProxy === undefined ? config : { ...config, trustProxy },
      }),
    );
    try {
      await use(new Client(fresh.url), fresh.url);
    } finally {
      await fresh.close();
    }
  }
  /** licence 0 has an account, registered in beforeAll. */
  const driver = licence(0);

  beforeAll(async () => {
    service = await startService(engine);
    await seedLicences(service);
    admin = await createStaff(
      service.deps.db,
      { username: 'admin1', role: 'admin' },
      service.now(),
    );
    reviewer = await createStaff(
      service.deps.db,
      { username: 'reviewer1', role: 'reviewer' },
      service.now(),
    );
    await enrolDriver(service, 0);
  });
  afterAll(async () => {
    await service.close();
  });
  beforeEach(() => {
    // A new sign-in rate-limit window (10 a minute per address) for every test.
    service.advance(61);
  });

  async function signedIn(who: 'driver' | 'reviewer' | 'admin'): Promise<Client> {
    const client = service.client();
    const reply =
      who === 'driver'
        ? await signInDriver(client, driver.licenceNumber)
        : await signInStaff(
            client,
            (who === 'admin' ? admin : reviewer).username,
            (who === 'admin' ? admin : reviewer).password,
          );
    expect(reply.status).toBe(200);
    return client;
  }

  it('when a session has expired, then it is refused, and the next sign-in deletes its row', async () => {
    const client = await signedIn('reviewer');
    expect((await client.get('/api/me')).status).toBe(200);
    const before = await service.deps.db.kysely
      .selectFrom('sessions')
      .select('token_hash')
      .execute();
    service.advance(12 * 3600);
    expect((await client.get('/api/me')).status).toBe(401);
    await signedIn('admin');
    const after = await service.deps.db.kysely
      .selectFrom('sessions')
      .select('token_hash')
      .execute();
    const left = new Set(after.map((r) => r.token_hash));
    expect(before.filter((r) => left.has(r.token_hash))).toEqual([]);
    expect(after).toHaveLength(1);
  });

  async function auditRows(action: string) {
    return service.deps.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', action)
      .orderBy('id')
      .execute();
  }

  describe('registration', () => {
    it('when the licence number and name match a licence, then 201 with the driverId and a code sent; the account holds no licence until the check, audited without phone or password', async () => {
      // Licence 2 is seized (status D): a driver still registers, and sees the status later.
      const { licenceNumber } = licence(2);
      const reply = await register(service.client(), 2);
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        driverId: expect.any(Number) as number,
        expiresAt: service.now() + 300,
      });
      const row = await service.deps.db.kysely
        .selectFrom('drivers')
        .selectAll()
        .where('id', '=', reply.body.driverId)
        .executeTakeFirstOrThrow();
      expect(row.licence_number).toBeNull();
      expect(row.password_hash).toMatch(/^scrypt\$/);
      const claim = await service.deps.db.kysely
        .selectFrom('binding_claims')
        .select('licence_number')
        .where('driver_id', '=', reply.body.driverId)
        .executeTakeFirstOrThrow();
      expect(claim.licence_number).toBe(licenceNumber);
      expect(lastCode(service, phoneOf(2))).toMatch(/^\d{6}$/);
      const entry = (await auditRows('driver.register')).find((r) => r.subject === licenceNumber);
      expect(entry).toMatchObject({ actor: `driver:${reply.body.driverId}` });
      expect(`${entry?.before ?? ''}${entry?.after ?? ''}`).not.toMatch(
        new RegExp(`${phoneOf(2)}|${PASSWORD}`),
      );
    });

    it('when the registry name has a middle dot and the driver types another mark for it, then the name matches: 201', async () => {
      const dotted = { ...syntheticLicence(7100), name: '买买提·艾力' };
      await insertLicence(service.deps.db, dotted, service.now());
      const reply = await service.client().post<{ driverId: number }>('/api/drivers', {
        licenceNumber: dotted.licenceNumber,
        name: '买买提・艾力',
        phone: '13800138090',
        password: PASSWORD,
      });
      expect(reply.status).toBe(201);
    });

    it('when the name is wrong, the number unknown, or the phone already has an account, then the same answer, byte for byte, naming none', async () => {
      // Licence 0's account (beforeAll) has phoneOf(0).
      const replies = {
        wrongName: await register(service.client(), 3, { name: '李四' }),
        unknownNumber: await register(service.client(), 3, { licenceNumber: UNKNOWN_NUMBER }),
        hasAccount: await register(service.client(), 3, { phone: phoneOf(0) }),
      };
      const seen = (reply: Reply) => ({
        status: reply.status,
        type: reply.headers.get('content-type'),
        length: reply.headers.get('content-length'),
        text: reply.text,
      });
      expect(seen(replies.unknownNumber)).toEqual(seen(replies.wrongName));
      expect(seen(replies.hasAccount)).toEqual(seen(replies.wrongName));
      expect(replies.wrongName.body).toEqual({
        type: 'urn:liangzheng:problem:ERR_REGISTRATION_REFUSED',
        title: 'Unprocessable Content',
        status: 422,
        code: 'ERR_REGISTRATION_REFUSED',
        detail:
          'licence number and name do not match a licence of the registry, or the phone number already has an account (then sign in, or use 忘记密码)',
      });
      expect(replies.wrongName.text).not.toContain(licence(3).licenceNumber);
      expect(replies.wrongName.text).not.toContain('李四');
      // Nothing was made for licence 3, no code went out, and licence 0 keeps its one account.
      const claims = await service.deps.db.kysely
        .selectFrom('binding_claims')
        .select('driver_id')
        .where('licence_number', '=', licence(3).licenceNumber)
        .execute();
      expect(claims).toEqual([]);
      expect(devSms(service).lastCode(phoneOf(3))).toBeUndefined();
      const accounts = await service.deps.db.kysely
        .selectFrom('drivers')
        .select('licence_number')
        .where('licence_number', 'in', [licence(0).licenceNumber, licence(3).licenceNumber])
        .execute();
      expect(accounts).toEqual([{ licence_number: licence(0).licenceNumber }]);
    });

    it('when one address tries an 11th registration within a minute, then 429 ERR_RATE_LIMITED with Retry-After, whatever it sends; another address and the next minute go through', async () => {
      await withFreshApp(undefined, async (client, url) => {
        for (let i = 1; i <= 10; i++)
          expectProblem(
            await register(client, 3, { name: `李${i}` }),
            422,
            'ERR_REGISTRATION_REFUSED',
          );
        service.advance(15);
        const limited = await register(client, 3);
        expectProblem(limited, 429, 'ERR_RATE_LIMITED');
        expect(limited.body.retryAfter).toBe(45);
        expect(limited.headers.get('retry-after')).toBe('45');
        expect(limited.body.detail).toBe(
          'too many registration attempts from this address; try again in 45 seconds',
        );
        // Refused before the body is read, and nothing registered.
        expectProblem(await client.post('/api/drivers', {}), 429, 'ERR_RATE_LIMITED');
        const made = await service.deps.db.kysely
          .selectFrom('drivers')
          .select('id')
          .where('licence_number', '=', licence(3).licenceNumber)
          .execute();
        expect(made).toEqual([]);
        // Sign-in counts apart: registering does not use it up.
        expectProblem(await signInDriver(client, UNKNOWN_NUMBER), 401, 'ERR_SIGN_IN_FAILED');
        if (process.platform === 'linux') {
          // All of 127/8 is loopback on Linux: a second client address has its own count.
          const other = await postFrom('127.0.0.2', url, {}, '/api/drivers');
          expect(other).toBe(422);
        }
        service.advance(45);
        expectProblem(await register(client, 3, { name: '李四' }), 422, 'ERR_REGISTRATION_REFUSED');
      });
    });

    it('when the password is short and the phone not a mainland mobile, then 422 ERR_VALIDATION naming both fields, quoting neither', async () => {
      const reply = await register(service.client(), 4, {
        phone: '12800138000',
        password: 'short',
      });
      expectProblem(reply, 422, 'ERR_VALIDATION');
      expect(reply.body.issues?.map((i) => i.field)).toEqual(['phone', 'password']);
      expect(reply.text).not.toMatch(/12800138000|short"|110108197202291023/);
    });

    it('when the licence number has a wrong check character, then 422 ERR_VALIDATION', async () => {
      const reply = await register(service.client(), 4, {
        licenceNumber: '110108197202291024',
      });
      expectProblem(reply, 422, 'ERR_VALIDATION');
      expect(reply.body.issues?.map((i) => i.field)).toEqual(['licenceNumber']);
    });
  });

  describe('sign-in', () => {
    it('when a driver signs in, then 200 with the role and a CSRF token, and a __Host- cookie that is HttpOnly, Secure, SameSite=Strict, Path=/', async () => {
      const client = service.client();
      const reply = await signInDriver(client, driver.licenceNumber);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        role: 'driver',
        csrfToken: expect.stringMatching(/^[\w-]{43}$/) as string,
      });
      expect(reply.headers.get('cache-control')).toBe('no-store');
      const [cookie, ...others] = reply.headers.getSetCookie();
      expect(others).toEqual([]);
      const [pair = '', ...attributes] = (cookie ?? '').split(';').map((a) => a.trim());
      expect(pair).toMatch(/^__Host-lz_session=[\w-]{43}$/);
      expect(attributes).toEqual(
        expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']),
      );
      expect(attributes.some((a) => /^domain=/i.test(a))).toBe(false);
    });

    it('when the account does not exist or the password is wrong, then the same 401 ERR_SIGN_IN_FAILED with the tries left', async () => {
      const client = service.client();
      const unknownNumber = unknownIdNumber(1);
      const unknownDriver = await signInDriver(client, unknownNumber);
      const unknownStaff = await signInStaff(client, 'nobody', PASSWORD);
      const wrong = await signInStaff(client, admin.username, WRONG_PASSWORD);
      for (const reply of [unknownDriver, unknownStaff, wrong]) {
        expectProblem(reply, 401, 'ERR_SIGN_IN_FAILED');
        expect(reply.body).toEqual(unknownDriver.body);
      }
      expect(unknownDriver.body).toMatchObject({
        triesLeft: 4,
        detail:
          'the account or the password is wrong; 4 more failed tries in a row lock this sign-in name for 15 minutes',
      });
      expect(unknownDriver.text).not.toContain(unknownNumber);
      // The admin's failure above does not linger: the next success forgets it.
      await signedIn('admin');
      expect((await signInStaff(client, admin.username, WRONG_PASSWORD)).body.triesLeft).toBe(4);
      await signedIn('admin');
    });

    it('when a driver fails 5 times, then the licence number is locked for 15 minutes even with the right password, answered as an unknown licence is, with the time it ends; then it opens again', async () => {
      const { licenceNumber } = licence(1);
      const client = service.client();
      const body = await enrolDriver(service, 1);
      const unknownNumber = unknownIdNumber(2);
      const tries = async (number: string) => {
        const left: unknown[] = [];
        for (let i = 1; i <= 4; i++) {
          const reply = await signInDriver(client, number, WRONG_PASSWORD);
          expectProblem(reply, 401, 'ERR_SIGN_IN_FAILED');
          left.push(reply.body.triesLeft);
        }
        return left;
      };
      expect(await tries(licenceNumber)).toEqual([4, 3, 2, 1]);
      expect(await tries(unknownNumber)).toEqual([4, 3, 2, 1]);
      // A minute on, past the address's limit (10 a minute) but not the count.
      service.advance(60);
      // The fifth failure locks, and says so.
      const locking = await signInDriver(client, licenceNumber, WRONG_PASSWORD);
      expectProblem(locking, 429, 'ERR_SIGN_IN_LOCKED');
      const lockedUntil = service.now() + 900;
      expect(locking.body).toMatchObject({ lockedUntil, retryAfter: 900 });
      expect(locking.headers.get('retry-after')).toBe('900');
      expect(locking.body.detail).toBe(
        `5 failed sign-ins in a row: this sign-in name is locked until ${chinaDateTime(lockedUntil * 1000, 'minute')} China time (in 900 s)`,
      );
      expectProblem(
        await signInDriver(client, unknownNumber, WRONG_PASSWORD),
        429,
        'ERR_SIGN_IN_LOCKED',
      );
      // Locked: the right password is refused with the very answer an unknown licence gets, so
      // the lock-out does not tell that this licence has an account.
      const locked = await signInDriver(client, licenceNumber);
      const unknown = await signInDriver(client, unknownNumber);
      expectProblem(locked, 429, 'ERR_SIGN_IN_LOCKED');
      expect({ text: locked.text, retryAfter: locked.headers.get('retry-after') }).toEqual({
        text: unknown.text,
        retryAfter: unknown.headers.get('retry-after'),
      });
      expect(locked.body).toEqual(locking.body);
      expect(locked.headers.getSetCookie()).toEqual([]);
      expect(await auditRows('account.locked')).toContainEqual(
        expect.objectContaining({ actor: 'system', subject: `driver:${body.driverId}` }),
      );
      // Each name counts apart: the phone number still signs in (and its success does not
      // unlock the licence number).
      expect((await signInPhone(client, phoneOf(1))).status).toBe(200);

      service.advance(lockedUntil - 1 - service.now());
      const lastSecond = await signInDriver(client, licenceNumber);
      expectProblem(lastSecond, 429, 'ERR_SIGN_IN_LOCKED');
      expect(lastSecond.body).toMatchObject({ lockedUntil, retryAfter: 1 });

      service.advance(1);
      const afterLock = await signInDriver(client, licenceNumber, WRONG_PASSWORD);
      expectProblem(afterLock, 401, 'ERR_SIGN_IN_FAILED');
      expect(afterLock.body.triesLeft).toBe(4);
      expect((await signInDriver(client, licenceNumber)).status).toBe(200);
      expect((await signInDriver(client, licenceNumber, WRONG_PASSWORD)).body.triesLeft).toBe(4);
    });

    it('when a day passes after a failed sign-in, then its count is forgotten and the table keeps no name', async () => {
      const client = service.client();
      const unknownNumber = unknownIdNumber(3);
      for (const left of [4, 3, 2])
        expect((await signInDriver(client, unknownNumber)).body.triesLeft).toBe(left);
      service.advance(24 * 3600);
      expect((await signInDriver(client, unknownNumber)).body.triesLeft).toBe(4);
      const rows = await service.deps.db.kysely
        .selectFrom('sign_in_failures')
        .selectAll()
        .execute();
      // Keyed by a hash: no licence number, phone or username is kept.
      expect(JSON.stringify(rows)).not.toContain(unknownNumber);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.name_hash))).toBe(true);
      // Another day on, the next failure anywhere prunes it.
      service.advance(24 * 3600);
      await signInStaff(client, 'nobody.at.all', WRONG_PASSWORD);
      expect(
        await service.deps.db.kysely
          .selectFrom('sign_in_failures')
          .select('last_failure_at')
          .where('last_failure_at', '<', service.now())
          .execute(),
      ).toEqual([]);
    });

    it('when a driver is locked out, then an admin unlocks the account by its licence (204, audited) and the right password works again', async () => {
      const { licenceNumber } = licence(4);
      const client = service.client();
      await enrolDriver(service, 4);
      // Both of the account's names locked; the unlock opens both.
      // A minute apart: the address may try 10 times a minute.
      await lockOut((password) => signInDriver(client, licenceNumber, password));
      service.advance(60);
      await lockOut((password) => signInPhone(client, phoneOf(4), password));
      const lockedUntil = service.now() + 900;
      service.advance(60);
      expectProblem(await signInDriver(client, licenceNumber), 429, 'ERR_SIGN_IN_LOCKED');
      const adminClient = await signedIn('admin');
      const unlocked = await adminClient.post(
        `/api/registry/licences/${licenceNumber}/account/unlock`,
      );
      expect(unlocked.status).toBe(204);
      expect(await auditRows('driver.unlock')).toContainEqual(
        expect.objectContaining({
          actor: `staff:${admin.id}`,
          subject: licenceNumber,
          before: JSON.stringify({ lockedUntil }),
          after: JSON.stringify({ lockedUntil: null }),
        }),
      );
      expect((await signInDriver(client, licenceNumber)).status).toBe(200);
      expect((await signInPhone(client, phoneOf(4))).status).toBe(200);
      // A licence without an account, and a path that is no licence number.
      expectProblem(
        await adminClient.post(`/api/registry/licences/${licence(3).licenceNumber}/account/unlock`),
        404,
        'ERR_NOT_FOUND',
      );
      expectProblem(
        await adminClient.post('/api/registry/licences/12345/account/unlock'),
        404,
        'ERR_NOT_FOUND',
      );
    });

    it('when a member of staff is locked out, then an admin unlocks the account (204, audited) and the right password works again', async () => {
      const adminClient = await signedIn('admin');
      const created = await adminClient.post<{ id: number; password: string }>('/api/staff', {
        username: 'locked.reviewer',
        role: 'reviewer',
      });
      expect(created.status).toBe(201);
      const client = service.client();
      await lockOut((password) => signInStaff(client, 'locked.reviewer', password));
      expectProblem(
        await signInStaff(client, 'locked.reviewer', created.body.password),
        429,
        'ERR_SIGN_IN_LOCKED',
      );
      const listed = await adminClient.get<{ staff: { id: number; lockedUntil: number | null }[] }>(
        '/api/staff',
      );
      expect(listed.body.staff.find((s) => s.id === created.body.id)?.lockedUntil).toBe(
        service.now() + 900,
      );

      const unlocked = await adminClient.post(`/api/staff/${created.body.id}/unlock`);
      expect(unlocked.status).toBe(204);
      expect(await auditRows('staff.unlock')).toContainEqual(
        expect.objectContaining({
          actor: `staff:${admin.id}`,
          subject: `staff:${created.body.id}`,
        }),
      );
      const again = await signInStaff(client, 'locked.reviewer', created.body.password);
      expect(again.status).toBe(200);
      expect(again.body.role).toBe('reviewer');
      expectProblem(await adminClient.post('/api/staff/999999/unlock'), 404, 'ERR_NOT_FOUND');
    });

    it('when one address tries an 11th time within a minute, then 429 ERR_RATE_LIMITED with Retry-After; another address and the next minute go through', async () => {
      await withFreshApp(undefined, async (client, url) => {
        for (let i = 1; i <= 10; i++)
          expectProblem(
            await client.post<Problem>('/api/session', failingSignIn()),
            401,
            'ERR_SIGN_IN_FAILED',
          );
        service.advance(20);
        const limited = await client.post<Problem>('/api/session', failingSignIn());
        expectProblem(limited, 429, 'ERR_RATE_LIMITED');
        expect(limited.body.retryAfter).toBe(40);
        expect(limited.headers.get('retry-after')).toBe('40');
        // Refused before anything else is looked at, even a body that is not valid.
        expectProblem(await client.post('/api/session', {}), 429, 'ERR_RATE_LIMITED');
        if (process.platform === 'linux') {
          // All of 127/8 is loopback on Linux: a second client address has its own count.
          const other = await postFrom('127.0.0.2', url, failingSignIn());
          expect(other).toBe(401);
        }
        service.advance(40);
        expectProblem(
          await client.post<Problem>('/api/session', failingSignIn()),
          401,
          'ERR_SIGN_IN_FAILED',
        );
      });
    });
  });

  describe('behind a reverse proxy (TRUST_PROXY)', () => {
    // The test client connects from 127.0.0.1: it stands for the proxy, and writes the
    // X-Forwarded-For the proxy would, the client's own entries first and the proxy's last.
    it.each([[1], [['127.0.0.1']], [['127.0.0.0/8', 'fd00::/8']]])(
      'when TRUST_PROXY is %j, then the limit counts the client the proxy names, not the proxy, and not what the client wrote itself',
      async (trustProxy) => {
        await withFreshApp(trustProxy, async (client) => {
          const from = (forwardedFor: string) =>
            client.post('/api/session', failingSignIn(), { 'x-forwarded-for': forwardedFor });
          for (let i = 1; i <= 10; i++)
            expectProblem(await from('203.0.113.7'), 401, 'ERR_SIGN_IN_FAILED');
          expectProblem(await from('203.0.113.7'), 429, 'ERR_RATE_LIMITED');
          // The client wrote an address of its own; the proxy appended the real one.
          expectProblem(await from('198.51.100.9, 203.0.113.7'), 429, 'ERR_RATE_LIMITED');
          // Another client behind the same proxy has its own count.
          expectProblem(await from('203.0.113.8'), 401, 'ERR_SIGN_IN_FAILED');
        });
      },
    );

    it.each([[undefined], [['10.0.0.1']]])(
      'when TRUST_PROXY is %j and the peer is no trusted proxy, then X-Forwarded-For is ignored: the peer is the client',
      async (trustProxy) => {
        await withFreshApp(trustProxy, async (client) => {
          for (let i = 1; i <= 11; i++) {
            const reply = await client.post('/api/session', failingSignIn(), {
              'x-forwarded-for': `203.0.113.${i}`,
            });
            if (i <= 10) expectProblem(reply, 401, 'ERR_SIGN_IN_FAILED');
            else expectProblem(reply, 429, 'ERR_RATE_LIMITED');
          }
        });
      },
    );
  });

  describe('session and CSRF', () => {
    it('when a signed-in client sends an unsafe request without the CSRF token or with a wrong one, then 403 ERR_CSRF; with it, sign-out is 204', async () => {
      const client = await signedIn('driver');
      const token = client.csrfToken;
      client.csrfToken = undefined;
      expectProblem(await client.delete('/api/session'), 403, 'ERR_CSRF');
      expectProblem(
        await client.post('/api/staff', { username: 'csrf.test', role: 'admin' }),
        403,
        'ERR_CSRF',
      );
      expectProblem(
        await client.delete('/api/session', { 'x-csrf-token': 'A'.repeat(43) }),
        403,
        'ERR_CSRF',
      );
      expect((await client.get('/api/me')).status).toBe(200);
      client.csrfToken = token;
      expect((await client.delete('/api/session')).status).toBe(204);
      expectProblem(await client.get('/api/me'), 401, 'ERR_UNAUTHENTICATED');
    });

    it('when asked who is signed in, then /api/me answers for each role, with the licence number masked, and 401 without a session', async () => {
      expectProblem(await service.client().get('/api/me'), 401, 'ERR_UNAUTHENTICATED');

      const driverClient = await signedIn('driver');
      const me = await driverClient.get('/api/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        role: 'driver',
        subject: 'driver',
        driverId: expect.any(Number) as number,
        licenceNumber: '440106********2429',
        csrfToken: driverClient.csrfToken,
      });
      expect(me.text).not.toContain(driver.licenceNumber);

      for (const [who, account] of [
        ['reviewer', reviewer],
        ['admin', admin],
      ] as const) {
        const reply = await (await signedIn(who)).get('/api/me');
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({
          role: who,
          subject: 'staff',
          staffId: account.id,
          username: account.username,
        });
      }
    });
  });

  describe('staff management', () => {
    it('when an admin creates a member of staff, then 201 with a generated password shown once and stored hashed, listed without hashes, audited', async () => {
      const client = await signedIn('admin');
      const created = await client.post<{
        id: number;
        username: string;
        role: string;
        password: string;
      }>('/api/staff', { username: 'reviewer2', role: 'reviewer' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number) as number,
        username: 'reviewer2',
        role: 'reviewer',
        password: expect.stringMatching(/^[\w-]{16,}$/) as string,
      });
      const row = await service.deps.db.kysely
        .selectFrom('staff')
        .select('password_hash')
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain(created.body.password);

      const list = await client.get<{ staff: Record<string, unknown>[] }>('/api/staff');
      expect(list.status).toBe(200);
      expect(list.body.staff).toContainEqual({
        id: created.body.id,
        username: 'reviewer2',
        role: 'reviewer',
        createdAt: service.now(),
        lockedUntil: null,
        disabledAt: null,
      });
      expect(list.text).not.toMatch(/scrypt|password/i);

      const entry = (await auditRows('staff.create')).find(
        (r) => r.subject === `staff:${created.body.id}`,
      );
      expect(entry).toMatchObject({
        actor: `staff:${admin.id}`,
        after: JSON.stringify({ username: 'reviewer2', role: 'reviewer' }),
      });

      expectProblem(
        await client.post('/api/staff', { username: 'reviewer2', role: 'admin' }),
        409,
        'ERR_USERNAME_TAKEN',
      );
      const invalid = await client.post<Problem>('/api/staff', { username: 'X', role: 'boss' });
      expectProblem(invalid, 422, 'ERR_VALIDATION');
      expect(invalid.body.issues?.map((i) => i.field)).toEqual(['username', 'role']);

      const signIn = await signInStaff(service.client(), 'reviewer2', created.body.password);
      expect(signIn.body.role).toBe('reviewer');
    });

    it('when a reviewer or a driver manages staff, then 403 ERR_FORBIDDEN; without a session, 401 ERR_UNAUTHENTICATED', async () => {
      const body = { username: 'intruder', role: 'admin' };
      for (const who of ['reviewer', 'driver'] as const) {
        const client = await signedIn(who);
        expectProblem(await client.post('/api/staff', body), 403, 'ERR_FORBIDDEN');
        expectProblem(await client.get('/api/staff'), 403, 'ERR_FORBIDDEN');
        expectProblem(await client.post(`/api/staff/${admin.id}/unlock`), 403, 'ERR_FORBIDDEN');
      }
      const anonymous = service.client();
      expectProblem(await anonymous.post('/api/staff', body), 401, 'ERR_UNAUTHENTICATED');
      expectProblem(await anonymous.get('/api/staff'), 401, 'ERR_UNAUTHENTICATED');
      expectProblem(
        await anonymous.post(`/api/staff/${admin.id}/unlock`),
        401,
        'ERR_UNAUTHENTICATED',
      );
      const names = await service.deps.db.kysely
        .selectFrom('staff')
        .select('username')
        .where('username', '=', 'intruder')
        .execute();
      expect(names).toEqual([]);
    });
  });
});

describe('liangzheng admin create (SQLite)', () => {
  const dataDir = useTempDir('lz-admin-cli-');

  it('when run on an empty data folder, then exit 0 printing the password once; it signs in over HTTP; the same username again exits 2 in one line', async () => {
    const env = { DATA_DIR: dataDir(), NODE_ENV: 'test', DEMO: 'false' };
    const first = await runCli(['admin', 'create', '--username', 'root1'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const m = /^username root1\nrole admin\npassword ([\w-]{16,})\n$/.exec(first.stdout);
    expect(m).not.toBeNull();
    const password = m?.[1] ?? '';

    const again = await runCli(
      ['admin', 'create', '--username', 'root1', '--role', 'reviewer'],
      env,
    );
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(
      /^liangzheng admin: username: expected one not yet taken[^\n]*\n$/,
    );

    const badRole = await runCli(['admin', 'create', '--username', 'root2', '--role', 'boss'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(
      /^liangzheng admin: --role: expected reviewer or admin[^\n]*\n$/,
    );

    const service = await startService('sqlite', { env: { DATA_DIR: dataDir() } });
    try {
      const signIn = await signInStaff(service.client(), 'root1', password);
      expect(signIn.status).toBe(200);
      expect(signIn.body.role).toBe('admin');
      const entry = await service.deps.db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'staff.create')
        .executeTakeFirstOrThrow();
      expect(entry.actor).toBe('cli');
      expect(entry.after).not.toContain(password);
    } finally {
      await service.close();
    }
  });
});

describe('the sign-in rate limiter', () => {
  it('when more addresses come than it keeps, then the oldest windows are forgotten first', async () => {
    const limiter = fixedWindowLimiter({ limit: 1, windowSeconds: 60, maxKeys: 2 });
    expect(await limiter.take('a', 0)).toEqual({ allowed: true });
    expect(await limiter.take('a', 1)).toEqual({ allowed: false, retryAfter: 59 });
    await limiter.take('b', 2);
    await limiter.take('c', 3);
    // 'a' was dropped to keep two keys: it starts a new window.
    expect(await limiter.take('a', 4)).toEqual({ allowed: true });
    expect(await limiter.take('c', 5)).toEqual({ allowed: false, retryAfter: 58 });
  });

  it('when an option is not a positive integer, then RangeError', () => {
    expect(() => fixedWindowLimiter({ limit: 0, windowSeconds: 60, maxKeys: 2 })).toThrow(
      RangeError,
    );
  });
});
