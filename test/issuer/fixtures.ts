/*
 * Test data put straight into the database, so that a test depends on no other area's routes:
 * licences (the reference records, or synthetic ones with valid ID numbers), drivers, sessions
 * (a cookie and a CSRF token, as sign-in would give), and a client that sends them. Then what a
 * holder and a verifier do: register a device key, fetch the JWKS and status lists over HTTP,
 * present and verify.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import {
  createPresentationV2,
  type PresentationOptionsV2,
} from '../../shared/sd/presentation-v2.js';
import type { Signer } from '../../shared/crypto-backend.js';
import { idNumberCheckCharacter } from '../../shared/licence/id-number.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import type { Db } from '../../issuer/db/database.js';
import type { ServiceDeps } from '../../issuer/deps.js';
import { createLogger } from '../../issuer/logger.js';
import { listen, openService, type Running } from '../../issuer/service.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import type { VerificationReport } from '../../verifier/report.js';
import { createTrustStore, type TrustStore } from '../../verifier/trust-store.js';
import { verifyPresentation } from '../../verifier/verify-presentation.js';
import { verifyStatusList, type VerifiedStatusList } from '../../verifier/verify-status-list.js';
import { referenceLicences } from '../helpers/presentation-kit.js';
import { Client, type Reply, type TestService } from './harness.js';
import { hashPassword } from '../../issuer/accounts/password.js';
import { createSession, CSRF_HEADER } from '../../issuer/http/session.js';

/** The PUBLIC_URL the harness gives the service. */
export const ISSUER = 'https://issuer.test';

/** The reference licences (test/fixtures/reference-licences.json), validated. */
export const REFERENCE = referenceLicences();

/**
 * A usable licence (status A, no points, long-term) with a valid ID number of its own: the
 * `serial`-th of an unlimited series that none of the reference licences belongs to.
 */
export function syntheticLicence(serial: number): LicenceRecord {
  const base = REFERENCE[1];
  if (base === undefined) throw new Error('reference-licences.json: licence 1 missing');
  // Region codes are not checked against the division list; the sequence keeps an odd last
  // digit, so the encoded sex stays M like the base record's.
  const region = String(200_000 + Math.floor(serial / 500));
  const sequence = String(2 * (serial % 500) + 1).padStart(3, '0');
  const first17 = `${region}${base.birthDate.replaceAll('-', '')}${sequence}`;
  return { ...base, licenceNumber: `${first17}${idNumberCheckCharacter(first17)}` };
}

/**
 * A usable licence of a holder born on `birthDate` (its ID number encodes it), first issued and
 * valid from `since`: the `serial`-th of another series than {@link syntheticLicence}'s.
 */
export function licenceBornOn(serial: number, birthDate: string, since: string): LicenceRecord {
  const base = syntheticLicence(0);
  const region = String(300_000 + Math.floor(serial / 500));
  const sequence = String(2 * (serial % 500) + 1).padStart(3, '0');
  const first17 = `${region}${birthDate.replaceAll('-', '')}${sequence}`;
  return {
    ...base,
    licenceNumber: `${first17}${idNumberCheckCharacter(first17)}`,
    birthDate,
    firstIssueDate: since,
    validFrom: since,
  };
}

/** Puts a licence into the registry, as an import would. */
export async function insertLicence(
  db: Db,
  licence: LicenceRecord,
  now: number,
  portraitHash: string | null = null,
): Promise<void> {
  await db.kysely
    .insertInto('licences')
    .values({
      licence_number: licence.licenceNumber,
      record: JSON.stringify(licence),
      status: licence.status,
      issuing_authority: licence.issuingAuthority,
      portrait_hash: portraitHash,
      version: 1,
      updated_at: now,
    })
    .execute();
}

/** Asserts that the driver's application is still a draft and keeps no photo (nor its hash). */
export async function expectDraftWithoutPhoto(db: Db, driverId: number): Promise<void> {
  const row = await db.kysely
    .selectFrom('applications')
    .select(['state', 'photo', 'photo_hash'])
    .where('driver_id', '=', driverId)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ state: 'draft', photo: null, photo_hash: null });
}

/** The audit entries of `action` on `subject`, oldest first. */
export function auditEntries(
  db: Db,
  subject: string,
  action: string,
): Promise<{ actor: string; after: string | null }[]> {
  return db.kysely
    .selectFrom('audit_log')
    .select(['actor', 'after'])
    .where('subject', '=', subject)
    .where('action', '=', action)
    .orderBy('id')
    .execute();
}

/** The driver's push subscriptions, as stored. */
export function pushSubscriptions(db: Db, driverId: number) {
  return db.kysely
    .selectFrom('push_subscriptions')
    .selectAll()
    .where('driver_id', '=', driverId)
    .execute();
}

let phoneSerial = 0;

/** A phone number no other account of this test file has (phones are unique). */
export function uniquePhone(): string {
  phoneSerial += 1;
  return `139${String(phoneSerial).padStart(8, '0')}`;
}

/** A driver account holding a licence already in the registry; returns its id. */
export async function insertDriver(db: Db, licenceNumber: string, now: number): Promise<number> {
  const { id } = await db.kysely
    .insertInto('drivers')
    .values({
      licence_number: licenceNumber,
      phone: uniquePhone(),
      // Never checked: these tests sign in by putting a session in the table.
      password_hash: `scrypt$32768$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * An issued e-licence application of the driver, as the application flow leaves it (the stored
 * path): credential issuance requires one.
 */
export async function insertIssuedApplication(
  db: Db,
  driverId: number,
  licenceNumber: string,
  now: number,
  photoHash: string | null = null,
): Promise<void> {
  await db.kysely
    .insertInto('applications')
    .values({
      driver_id: driverId,
      licence_number: licenceNumber,
      path: 'stored',
      state: 'issued',
      photo_hash: photoHash,
      photo: null,
      precheck: null,
      submitted_at: null,
      deadline: null,
      decided_at: now,
      reviewer_id: null,
      reason: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** A signed-in session of a driver, as sign-in would make it: the cookie value and CSRF token. */
export async function insertSession(
  db: Db,
  driverId: number,
  now: number,
  lifetime = 12 * 3600,
): Promise<{ cookie: string; csrfToken: string }> {
  const { cookie, csrfToken } = await createSession(
    db,
    { subject: 'driver', subjectId: driverId, role: 'driver' },
    now,
    lifetime,
  );
  return { cookie, csrfToken };
}

/** An HTTP client signed in as one driver: the session cookie on every request, CSRF on POST. */
export class SessionClient {
  private readonly client: Client;

  constructor(
    baseUrl: string,
    /** `__Host-lz_session=<token>`. */
    readonly cookie: string,
    readonly csrfToken: string,
  ) {
    this.client = new Client(baseUrl);
    this.client.csrfToken = csrfToken;
  }

  /** The same session, talking to another service on the same database (after a restart). */
  at(baseUrl: string): SessionClient {
    return new SessionClient(baseUrl, this.cookie, this.csrfToken);
  }

  get<T = unknown>(path: string): Promise<Reply<T>> {
    return this.client.get<T>(path, { cookie: this.cookie });
  }

  post<T = unknown>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    return this.client.post<T>(path, body, { ...headers, cookie: this.cookie });
  }
}

/** A driver with a licence in the registry and a session. */
export interface TestDriver {
  readonly driverId: number;
  readonly licence: LicenceRecord;
  readonly http: SessionClient;
}

/** The same driver, talking to another service on the same database. */
export function driverAt(driver: TestDriver, baseUrl: string): TestDriver {
  return { ...driver, http: driver.http.at(baseUrl) };
}

/**
 * Registers `licence`, a driver for it whose e-licence application has been issued (unless
 * `applied` is false: the application tests go through the flow themselves), and signs the
 * driver in.
 */
export async function newDriver(
  service: Pick<TestService, 'deps' | 'now'> & { readonly url: string },
  licence: LicenceRecord,
  options: { portraitHash?: string; sessionLifetime?: number; applied?: boolean } = {},
): Promise<TestDriver> {
  const { db } = service.deps;
  await insertLicence(db, licence, service.now(), options.portraitHash ?? null);
  const driverId = await insertDriver(db, licence.licenceNumber, service.now());
  if (options.applied !== false)
    await insertIssuedApplication(
      db,
      driverId,
      licence.licenceNumber,
      service.now(),
      options.portraitHash ?? null,
    );
  const { cookie, csrfToken } = await insertSession(
    db,
    driverId,
    service.now(),
    options.sessionLifetime,
  );
  return { driverId, licence, http: new SessionClient(service.url, cookie, csrfToken) };
}

/**
 * Uploads the photo of the driver's application (POST /api/me/application/photo) as the app
 * does: the image itself as the body, with the session cookie and CSRF token. The raw response.
 */
export function uploadPhoto(
  baseUrl: string,
  driver: Pick<TestDriver, 'http'>,
  bytes: Uint8Array,
  type = 'image/jpeg',
): Promise<Response> {
  return fetch(new URL('/api/me/application/photo', baseUrl), {
    method: 'POST',
    headers: {
      cookie: driver.http.cookie,
      'x-csrf-token': driver.http.csrfToken,
      'content-type': type,
    },
    body: new Uint8Array(bytes),
  });
}

/** A holder device: its key (a signer, as the phone keeps it) and its id once registered. */
export interface TestDevice {
  readonly deviceId: number;
  readonly signer: Signer;
}

/** Makes a device key and registers it through the API; fails the test unless 201. */
export async function addDevice(driver: TestDriver): Promise<TestDevice> {
  const signer = createJwkSigner(generateKeyPair().privateJwk);
  const reply = await driver.http.post<{ deviceId: number }>('/api/me/devices', {
    publicKey: signer.publicJwk.x,
  });
  if (reply.status !== 201) throw new Error(`device registration: ${reply.status} ${reply.text}`);
  return { deviceId: reply.body.deviceId, signer };
}

/** The path of a device's credential request (POST, no body). */
export const credentialPath = (deviceId: number): string =>
  `/api/me/devices/${deviceId}/credential`;

/** The header that makes a credential request safe to retry. */
export const idempotency = (key: string): Record<string, string> => ({
  'idempotency-key': `"${key}"`,
});

/** The answer to a credential request. */
export interface IssuedBody {
  /** The compact JWS, format version 2. */
  readonly credential: string;
  /** The holder's copy the phone presents from (FORMAT.md §8.4). */
  readonly holderCopy: string;
  readonly jti: string;
  readonly expiresAt: number;
  readonly listId: number;
  readonly index: number;
}

/** Asks for a credential; fails the test unless 201 or 200. */
export async function issue(
  driver: TestDriver,
  device: TestDevice,
  idempotencyKey?: string,
): Promise<IssuedBody> {
  const reply = await driver.http.post<IssuedBody>(
    credentialPath(device.deviceId),
    undefined,
    idempotencyKey === undefined ? {} : idempotency(idempotencyKey),
  );
  if (reply.status !== 201 && reply.status !== 200)
    throw new Error(`issuance: ${reply.status} ${reply.text}`);
  return reply.body;
}

/** What a verifier holds: the issuer's JWKS and its status lists, fetched and verified. */
export interface VerifierView {
  readonly trust: TrustStore;
  readonly statusLists: Map<string, VerifiedStatusList>;
  readonly jwks: { keys: { kid?: string }[] };
}

/** Fetches /.well-known/jwks.json and /status/<id> for each list, as a verifier would. */
export async function fetchVerifierView(
  baseUrl: string,
  listIds: readonly number[],
): Promise<VerifierView> {
  const client = new Client(baseUrl);
  const jwks = await client.get<{ keys: { kid?: string }[] }>('/.well-known/jwks.json');
  if (jwks.status !== 200) throw new Error(`JWKS: ${jwks.status}`);
  const trust = createTrustStore([jwks.body], nodeBackend);
  const statusLists = new Map<string, VerifiedStatusList>();
  for (const id of new Set(listIds)) {
    const reply = await client.get(`/status/${id}`);
    if (reply.status !== 200) throw new Error(`status list ${id}: ${reply.status}`);
    const list = verifyStatusList(reply.text, trust);
    statusLists.set(list.uri, list);
  }
  return { trust, statusLists, jwks: jwks.body };
}

/**
 * Presents the holder's copy with the device key at the service's time, as the phone does (for
 * the police, everything, unless another purpose is given), then verifies it against the JWKS
 * and status list fetched now from `baseUrl`.
 */
export async function presentAndVerify(
  baseUrl: string,
  now: number,
  issued: Pick<IssuedBody, 'holderCopy' | 'listId'>,
  device: Pick<TestDevice, 'signer'>,
  options: Pick<PresentationOptionsV2, 'purpose' | 'groups'> = {},
): Promise<VerificationReport> {
  const view = await fetchVerifierView(baseUrl, [issued.listId]);
  const at = new Date(now * 1000);
  const text = await createPresentationV2(issued.holderCopy, device.signer, {
    ...options,
    now: at,
  });
  return verifyPresentation(text, {
    trust: view.trust,
    statusLists: view.statusLists,
    now: at,
    issuer: ISSUER,
  });
}

/** A service started again on another's data folder and database, with a clock of its own. */
export interface Restarted {
  readonly running: Running;
  readonly deps: ServiceDeps;
  readonly url: string;
  now(): number;
  advance(seconds: number): void;
}

/**
 * Stops `service` and starts it again on the same DATA_DIR and database (keys, schema), its
 * clock starting where the old one stood: what an operator's restart does. Stop the new one
 * before `service.close()`, which removes the data.
 */
export async function restartService(service: TestService): Promise<Restarted> {
  await service.running.stop();
  let clock = service.now();
  const deps = await openService(service.deps.config, createLogger('silent'), () => clock);
  const running = await listen(deps);
  return {
    running,
    deps,
    url: running.url,
    now: () => clock,
    advance: (seconds) => {
      clock += seconds;
    },
  };
}

/** A signed-in member of staff (see newStaff). */
export interface StaffClient {
  readonly id: number;
  get<T = unknown>(path: string): Promise<Reply<T>>;
  post<T = unknown>(
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply<T>>;
}

/**
 * A staff account put straight into the table; returns its id. Its password hash is `x` (no
 * password signs in) unless one is given.
 */
export async function insertStaff(
  db: Db,
  now: number,
  account: { username: string; role: 'admin' | 'reviewer'; passwordHash?: string },
): Promise<number> {
  const { id } = await db.kysely
    .insertInto('staff')
    .values({
      username: account.username,
      role: account.role,
      password_hash: account.passwordHash ?? 'x',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * A signed-in member of staff: a staff row and a session row written directly (as the sign-in
 * route would), the token in the session cookie and the CSRF token sent on every POST.
 */
export async function newStaff(
  service: Pick<TestService, 'deps' | 'now' | 'client'>,
  role: 'admin' | 'reviewer',
): Promise<StaffClient> {
  const now = service.now();
  const id = await insertStaff(service.deps.db, now, {
    username: `${role}-${randomBytes(4).toString('hex')}`,
    role,
    passwordHash: await hashPassword(randomBytes(16).toString('base64url')),
  });
  const { cookie, csrfToken } = await createSession(
    service.deps.db,
    { subject: 'staff', subjectId: id, role },
    now,
    3600,
  );
  const client = service.client();
  client.csrfToken = csrfToken;
  return {
    id: id,
    get: (path) => client.get(path, { cookie }),
    post: (path, body, headers = {}) => client.post(path, body, { cookie, ...headers }),
  };
}

/** Anyone who can call the service: not signed in, or signed in with a role. */
export type Who = 'anonymous' | 'driver' | 'reviewer' | 'admin';

/** A registry with the reference licences, one driver and one member of staff per role. */
export interface EveryRole {
  /** The driver's licence, a real one for the routes that take `:number`. */
  readonly licenceNumber: string;
  /**
   * A fresh session for `who`, as sign-in would make it: the cookie and the CSRF header.
   * `unbound`: a driver's account that holds no licence (registered, not yet bound).
   */
  headersFor(who: Who | 'unbound'): Promise<Record<string, string>>;
}

/** Seeds the registry and an account for every role, for the tests that call every route. */
export async function seedEveryRole(
  service: Pick<TestService, 'deps' | 'now'>,
): Promise<EveryRole> {
  const db = service.deps.db;
  const licenceNumber = REFERENCE[1]?.licenceNumber ?? '';
  for (const licence of REFERENCE) await insertLicence(db, licence, service.now());
  const driverId = await insertDriver(db, licenceNumber, service.now());
  await insertIssuedApplication(db, driverId, licenceNumber, service.now());
  const { id: unboundId } = await db.kysely
    .insertInto('drivers')
    .values({
      licence_number: null,
      phone: uniquePhone(),
      password_hash: `scrypt$32768$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`,
      created_at: service.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const staffIds = new Map<Who | 'unbound', number>([['unbound', unboundId]]);
  for (const role of ['reviewer', 'admin'] as const) {
    const id = await insertStaff(db, service.now(), { username: `${role}1`, role });
    staffIds.set(role, id);
  }
  return {
    licenceNumber,
    async headersFor(who) {
      if (who === 'anonymous') return {};
      const { cookie, csrfToken } = await createSession(
        db,
        {
          subject: who === 'driver' || who === 'unbound' ? 'driver' : 'staff',
          subjectId: staffIds.get(who) ?? driverId,
          role: who === 'unbound' ? 'driver' : who,
        },
        service.now(),
        3600,
      );
      return { cookie, [CSRF_HEADER]: csrfToken };
    },
  };
}
