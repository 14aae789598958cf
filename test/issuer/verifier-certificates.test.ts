/*
 * Verifier certificates over HTTP, on both engines: an admin registers a device with its
 * organisation and role; the device enrols its own key and gets a certificate that a phone's
 * verifyRequest accepts, on a status entry of a verifier status list published beside the
 * credentials' lists; revoking the device flips that entry, and the phone then refuses its
 * requests. Every refusal with its exact code.
 */
import { describe, expect, it } from 'vitest';
import {
  createRequest,
  RequestError,
  verifyRequest,
  type CertificateStatusList,
  type RequestErrorCode,
  type VerifiedRequest,
} from '../../shared/request/request.js';
import type { Signer } from '../../shared/crypto-backend.js';
import { isDeviceToken } from '../../shared/request/device-token.js';
import type { Purpose } from '../../shared/sd/groups.js';
import { jwkThumbprint } from '../../shared/jwk.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import { DEFAULT_POLICE_ORG } from '../../issuer/config.js';
import { CERTIFICATE_REQUESTS_PER_MINUTE } from '../../issuer/verifier-devices/routes.js';
import { enrolVerifierDevice } from '../../issuer/verifier-devices/enrol-verifier-device.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { createTrustStore, type TrustStore } from '../../verifier/trust-store.js';
import { verifyStatusList } from '../../verifier/verify-status-list.js';
import { auditEntries, ISSUER, newStaff, type StaffClient } from './fixtures.js';
import { ENGINES } from './harness.js';
import { useService } from './use-service.js';

/** Tuesday 10 March 2026, 10:00 in China. */
const NOW = Date.UTC(2026, 2, 10, 2, 0, 0) / 1000;
const DAY = 86_400;

interface Problem {
  readonly code: string;
  readonly issues?: readonly { field: string; expected: string; found: string }[];
  readonly retryAfter?: number;
}

interface Registered {
  readonly id: number;
  readonly name: string;
  readonly org: string;
  readonly role: string;
  readonly may: number[];
  readonly token: string;
}

interface Enrolled {
  readonly certificate: string;
  readonly expiresAt: number;
  readonly statusUri: string;
}

/** A fresh device key pair, as the verifier app makes one. */
function deviceKey(): Signer {
  return createJwkSigner(generateKeyPair().privateJwk);
}

describe.each(ENGINES)('verifier certificates on %s', (engine) => {
  const service = useService(engine, { now: NOW });
  let admin: StaffClient | undefined;

  async function signedInAdmin(): Promise<StaffClient> {
    admin ??= await newStaff(service(), 'admin');
    return admin;
  }

  async function register(body: Record<string, unknown>): Promise<Registered> {
    const reply = await (
      await signedInAdmin()
    ).post<Registered>('/api/admin/verifier-devices', body);
    expect(reply.status, reply.text).toBe(201);
    return reply.body;
  }

  async function enrol(
    token: string | undefined,
    body: unknown,
  ): Promise<{ status: number; body: Enrolled & Problem; headers: Headers }> {
    const reply = await fetch(new URL('/api/verifier/certificate', service().url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: reply.status,
      body: (await reply.json()) as Enrolled & Problem,
      headers: reply.headers,
    };
  }

  async function enrolled(token: string, key: Signer): Promise<Enrolled> {
    const reply = await enrol(token, { publicKey: key.publicJwk.x });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  }

  /** The authority's keys and every verifier status list, fetched as a phone prefetches them. */
  async function phoneView(): Promise<{
    trust: TrustStore;
    lists: Map<string, CertificateStatusList>;
  }> {
    const client = service().client();
    const jwks = await client.get('/.well-known/jwks.json');
    const trust = createTrustStore([jwks.body], nodeBackend);
    const index = await client.get<{ lists: string[] }>('/status/verifiers');
    expect(index.status).toBe(200);
    const lists = new Map<string, CertificateStatusList>();
    for (const uri of index.body.lists) {
      const reply = await client.get(new URL(uri).pathname);
      expect(reply.status).toBe(200);
      const list = verifyStatusList(reply.text, trust);
      lists.set(list.uri, list);
    }
    return { trust, lists };
  }

  /** A request made with the certificate and verified by a phone with `view`. */
  async function requestWith(
    certificate: string,
    key: Signer,
    view: { trust: TrustStore; lists: Map<string, CertificateStatusList> },
    purpose: Purpose,
    groups?: number[],
  ): Promise<VerifiedRequest> {
    const at = new Date(service().now() * 1000);
    const { text } = await createRequest(certificate, key, {
      now: at,
      purpose,
      ...(groups === undefined ? {} : { groups }),
    });
    return verifyRequest(text, { keys: view.trust, now: at, statusLists: view.lists });
  }

  async function refusal(made: Promise<unknown>): Promise<RequestErrorCode | 'accepted'> {
    try {
      await made;
      return 'accepted';
    } catch (error) {
      if (error instanceof RequestError) return error.code;
      throw error;
    }
  }

  it('when a device is registered with its name alone, then it is a police device of the configured authority, with every group, and the list says so', async () => {
    const device = await register({ name: 'Checkpoint 3, handset 12' });
    expect(device).toMatchObject({
      name: 'Checkpoint 3, handset 12',
      org: DEFAULT_POLICE_ORG,
      role: 'police',
      may: [0, 1, 2, 3, 4, 5],
    });
    expect(device.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The shape the police app recognises when it scans the token from the console.
    expect(isDeviceToken(device.token)).toBe(true);
    const list = await (
      await signedInAdmin()
    ).get<{ devices: Record<string, unknown>[] }>('/api/admin/verifier-devices');
    expect(list.body.devices.find((d) => d.id === device.id)).toEqual({
      id: device.id,
      name: 'Checkpoint 3, handset 12',
      org: '公安交通管理部门',
      role: 'police',
      may: [0, 1, 2, 3, 4, 5],
      createdBy: (await signedInAdmin()).id,
      createdAt: NOW,
      revokedAt: null,
      enrolledAt: null,
      keyThumbprint: null,
      certificateExpiresAt: null,
    });
  });

  it('when a device is registered with an organisation, a role and some of its groups, then it is answered and listed so', async () => {
    const device = await register({
      name: 'Desk 1',
      org: '平安汽车租赁有限公司',
      role: 'rental',
      may: [0],
    });
    expect(device).toMatchObject({ org: '平安汽车租赁有限公司', role: 'rental', may: [0] });
    const age = await register({ name: 'Door', org: '某某网吧', role: 'age' });
    expect(age).toMatchObject({ role: 'age', may: [4, 5] });
    const list = await (
      await signedInAdmin()
    ).get<{ devices: Record<string, unknown>[] }>('/api/admin/verifier-devices');
    expect(list.body.devices.find((d) => d.id === device.id)).toMatchObject({
      org: '平安汽车租赁有限公司',
      role: 'rental',
      may: [0],
    });
    expect(list.body.devices.find((d) => d.id === age.id)).toMatchObject({
      org: '某某网吧',
      role: 'age',
      may: [4, 5],
    });
  });

  it.each([
    [{ name: 'x', role: 'rental' }, 'org', 'nothing'],
    [{ name: 'x', org: 'y', role: 'rental', may: [2] }, 'may', '2 beyond the role'],
    [{ name: 'x', org: 'y', role: 'age', may: [] }, 'may', 'an empty list'],
    [{ name: 'x', may: [1, 1] }, 'may', '1 more than once'],
    [{ name: 'x', org: 'y', role: 'bank' }, 'role', 'a string of 4 characters'],
    [{ name: 'x', org: '长'.repeat(41) }, 'org', 'a string of 41 characters'],
  ])('when a registration is %j, then 422 ERR_VALIDATION names %s', async (body, field, found) => {
    const reply = await (await signedInAdmin()).post<Problem>('/api/admin/verifier-devices', body);
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('ERR_VALIDATION');
    expect(reply.body.issues?.map((i) => [i.field, i.found])).toEqual([[field, found]]);
  });

  it('when a device enrols its key, then its certificate says who it is, the key sent, 30 days, its status entry, and a request made with it verifies', async () => {
    const device = await register({ name: 'Desk 2', org: '平安汽车租赁有限公司', role: 'rental' });
    const key = deviceKey();
    const reply = await enrol(device.token, { publicKey: key.publicJwk.x });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const { certificate, expiresAt, statusUri } = reply.body;
    expect(expiresAt).toBe(NOW + 30 * DAY);
    expect(statusUri).toBe(`${ISSUER}/status/verifiers/1`);
    expect(certificate.split('.')).toHaveLength(3);

    const verified = await requestWith(certificate, key, await phoneView(), 'rental');
    expect(verified).toMatchObject({
      org: '平安汽车租赁有限公司',
      role: 'rental',
      purpose: 'rental',
      groups: [0, 1],
      statusUnchecked: false,
    });
    expect(verified.certificate).toMatchObject({
      iss: ISSUER,
      iat: NOW,
      nbf: NOW,
      exp: NOW + 30 * DAY,
      holderKey: key.publicJwk.x,
      org: '平安汽车租赁有限公司',
      role: 'rental',
      may: [0, 1],
      status: { uri: statusUri },
    });
    // Signed with the key that signs credentials.
    const header = JSON.parse(
      Buffer.from(certificate.split('.')[0] ?? '', 'base64url').toString(),
    ) as { kid: string; typ: string };
    expect(header).toEqual({
      alg: 'EdDSA',
      kid: service().deps.keys.current().kid,
      typ: 'lzvc+jwt',
    });

    // The list shows the enrolment; the audit has the thumbprint, never the key.
    const list = await (
      await signedInAdmin()
    ).get<{ devices: Record<string, unknown>[] }>('/api/admin/verifier-devices');
    expect(list.body.devices.find((d) => d.id === device.id)).toMatchObject({
      enrolledAt: NOW,
      keyThumbprint: jwkThumbprint(key.publicJwk),
      certificateExpiresAt: NOW + 30 * DAY,
    });
    const audit = await auditEntries(
      service().deps.db,
      `verifier-device:${device.id}`,
      'verifier-device.enrol',
    );
    expect(audit.map((a) => a.actor)).toEqual([`verifier-device:${device.id}`]);
    expect(JSON.parse(audit[0]?.after ?? '{}')).toMatchObject({
      keyThumbprint: jwkThumbprint(key.publicJwk),
      expiresAt: NOW + 30 * DAY,
    });
    expect(audit[0]?.after).not.toContain(key.publicJwk.x);
  });

  it('when a police device registered by name alone enrols, then a police request made with it verifies with the configured organisation', async () => {
    const device = await register({ name: 'Patrol 7' });
    const key = deviceKey();
    const { certificate } = await enrolled(device.token, key);
    const verified = await requestWith(certificate, key, await phoneView(), 'police');
    expect(verified).toMatchObject({
      org: DEFAULT_POLICE_ORG,
      role: 'police',
      groups: [0, 1, 2, 3, 4, 5],
    });
    expect(verified.certificate.may).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('when a device may ask for fewer groups than its role, then its certificate says so and a phone refuses a request beyond them', async () => {
    const device = await register({ name: 'Desk 3', org: '某某保险', role: 'insurance', may: [1] });
    const key = deviceKey();
    const { certificate } = await enrolled(device.token, key);
    const view = await phoneView();
    const custom = await requestWith(certificate, key, view, 'custom', [1]);
    expect(custom.certificate.may).toEqual([1]);
    expect(await refusal(requestWith(certificate, key, view, 'insurance'))).toBe(
      'ERR_REQUEST_BEYOND_ROLE',
    );
  });

  it('when a device enrols again with a new key, then the new certificate has the same status entry and its own key, and the old key cannot sign for it', async () => {
    const device = await register({ name: 'Desk 4', org: '某某公司', role: 'employer' });
    const first = deviceKey();
    const second = deviceKey();
    const a = await enrolled(device.token, first);
    service().advance(60);
    const b = await enrolled(device.token, second);
    const view = await phoneView();
    const ra = await requestWith(a.certificate, first, view, 'employer');
    const rb = await requestWith(b.certificate, second, view, 'employer');
    expect(rb.certificate.status).toEqual(ra.certificate.status);
    expect(rb.certificate.holderKey).toBe(second.publicJwk.x);
    expect(rb.certificate.exp).toBe(service().now() + 30 * DAY);
    expect(rb.certificate.jti).not.toBe(ra.certificate.jti);
    expect(await refusal(requestWith(b.certificate, first, view, 'employer'))).toBe(
      'ERR_REQUEST_SIGNATURE',
    );
  });

  it('when a device enrols several keys at the same moment, then every certificate names the one status entry that revoking it sets INVALID', async () => {
    const device = await register({ name: 'Twice', org: '某某公司', role: 'employer' });
    const keys = Array.from({ length: 8 }, deviceKey);
    // Straight to the use case, all at once: the route's rate limit would hold most back.
    const replies = await Promise.all(
      keys.map((key) => enrolVerifierDevice(service().deps, device.id, key.publicJwk.x)),
    );
    const view = await phoneView();
    const entries = await Promise.all(
      replies.map(
        async ({ certificate }, i) =>
          (await requestWith(certificate, keys[i] as Signer, view, 'employer')).certificate.status,
      ),
    );
    expect(new Set(entries.map((e) => `${e.uri}#${e.idx}`)).size).toBe(1);
    await (await signedInAdmin()).post(`/api/admin/verifier-devices/${device.id}/revoke`);
    const after = await phoneView();
    for (const [i, { certificate }] of replies.entries())
      expect(await refusal(requestWith(certificate, keys[i] as Signer, after, 'employer'))).toBe(
        'ERR_REQUEST_CERT_REVOKED',
      );
  });

  it('when a device is revoked while it enrols, then each enrolment is either refused or gives a certificate the list then revokes', async () => {
    const device = await register({ name: 'Racing', org: '某某公司', role: 'employer' });
    await enrolled(device.token, deviceKey());
    const keys = Array.from({ length: 6 }, deviceKey);
    const admin = await signedInAdmin();
    const [revoked, ...outcomes] = await Promise.allSettled([
      admin.post(`/api/admin/verifier-devices/${device.id}/revoke`),
      ...keys.map((key) => enrolVerifierDevice(service().deps, device.id, key.publicJwk.x)),
    ]);
    expect(revoked.status).toBe('fulfilled');
    const after = await phoneView();
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') {
        expect((outcome.reason as { code?: string }).code).toBe('ERR_VERIFIER_DEVICE_UNKNOWN');
        continue;
      }
      const { certificate } = outcome.value as { certificate: string };
      expect(await refusal(requestWith(certificate, keys[i] as Signer, after, 'employer'))).toBe(
        'ERR_REQUEST_CERT_REVOKED',
      );
    }
  });

  it('when the verifier status lists are asked for, then the index names each list by its absolute URI, public and cacheable from any origin, and each list is a signed statuslist+jwt', async () => {
    const device = await register({ name: 'Desk 5', org: '某某公司', role: 'employer' });
    const { statusUri } = await enrolled(device.token, deviceKey());
    const index = await fetch(new URL('/status/verifiers', service().url), {
      headers: { origin: 'https://police.example.cn' },
    });
    expect(index.status).toBe(200);
    expect(index.headers.get('access-control-allow-origin')).toBe('*');
    expect(index.headers.get('cache-control')).toBe('public, max-age=10');
    const body = (await index.json()) as { lists: string[] };
    expect(body).toEqual({ lists: [`${ISSUER}/status/verifiers/1`] });
    expect(body.lists).toContain(statusUri);

    const list = await fetch(new URL('/status/verifiers/1', service().url));
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toMatch(/^application\/statuslist\+jwt/);
    const etag = list.headers.get('etag') ?? '';
    const token = await list.text();
    const { trust } = await phoneView();
    expect(verifyStatusList(token, trust)).toMatchObject({ uri: statusUri, bits: 2 });
    const again = await fetch(new URL('/status/verifiers/1', service().url), {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    // No such list; and the credentials' lists are not the verifiers'.
    const none = await service().client().get<Problem>('/status/verifiers/99');
    expect([none.status, none.body.code]).toEqual([404, 'ERR_NOT_FOUND']);
  });

  it('when a device is revoked, then the list signed after sets its entry INVALID, a phone refuses its certificates ERR_REQUEST_CERT_REVOKED, and its token no longer enrols', async () => {
    const device = await register({ name: 'Desk 6', org: '某某公司', role: 'employer' });
    const other = await register({ name: 'Desk 7', org: '某某公司', role: 'employer' });
    const key = deviceKey();
    const otherKey = deviceKey();
    const { certificate } = await enrolled(device.token, key);
    const otherCertificate = (await enrolled(other.token, otherKey)).certificate;
    const before = await phoneView();
    expect((await requestWith(certificate, key, before, 'employer')).role).toBe('employer');

    service().advance(1);
    const revoked = await (
      await signedInAdmin()
    ).post(`/api/admin/verifier-devices/${device.id}/revoke`);
    expect(revoked.status).toBe(200);
    const after = await phoneView();
    expect(await refusal(requestWith(certificate, key, after, 'employer'))).toBe(
      'ERR_REQUEST_CERT_REVOKED',
    );
    // Another device's entry in the same list is untouched.
    expect((await requestWith(otherCertificate, otherKey, after, 'employer')).org).toBe('某某公司');
    // A phone still holding the list from before accepts it until it fetches again.
    expect((await requestWith(certificate, key, before, 'employer')).statusUnchecked).toBe(false);

    const again = await enrol(device.token, { publicKey: deviceKey().publicJwk.x });
    expect([again.status, again.body.code]).toEqual([401, 'ERR_VERIFIER_DEVICE_UNKNOWN']);
    expect(again.headers.get('www-authenticate')).toBe('Bearer');
    const audit = await auditEntries(
      service().deps.db,
      `verifier-device:${device.id}`,
      'verifier-device.revoke',
    );
    expect(JSON.parse(audit[0]?.after ?? '{}')).toMatchObject({
      status: { uri: `${ISSUER}/status/verifiers/1` },
    });
  });

  it('when a device that never enrolled is revoked, then it is revoked and no list changes', async () => {
    const device = await register({ name: 'Spare' });
    const version = async () =>
      (
        await service()
          .deps.db.kysely.selectFrom('verifier_status_lists')
          .select('version')
          .where('id', '=', 1)
          .executeTakeFirst()
      )?.version;
    const was = await version();
    const revoked = await (
      await signedInAdmin()
    ).post<{ revokedAt: number }>(`/api/admin/verifier-devices/${device.id}/revoke`);
    expect([revoked.status, revoked.body.revokedAt]).toEqual([200, service().now()]);
    expect(await version()).toBe(was);
  });

  it.each([
    [{ publicKey: 'abc' }, 'publicKey'],
    [{ publicKey: `${'A'.repeat(42)}!` }, 'publicKey'],
    [{ publicKey: 'A'.repeat(43), extra: 1 }, 'extra'],
    [{}, 'publicKey'],
  ])('when the enrolment body is %j, then 422 ERR_VALIDATION names %s', async (body, field) => {
    const device = await register({ name: 'Bad keys' });
    const reply = await enrol(device.token, body);
    expect([reply.status, reply.body.code]).toEqual([422, 'ERR_VALIDATION']);
    expect(reply.body.issues?.map((i) => i.field)).toEqual([field]);
  });

  it.each([
    // The identity point, of small order: anyone could sign for it.
    ['a key of small order', 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    // 43 characters whose last one carries bits beyond the 32 bytes.
    ['a non-canonical base64url', `${'A'.repeat(42)}B`],
  ])('when the key is %s, then 422 ERR_KEY_INVALID naming publicKey', async (_label, x) => {
    const device = await register({ name: 'Bad key' });
    const reply = await enrol(device.token, { publicKey: x });
    expect([reply.status, reply.body.code]).toEqual([422, 'ERR_KEY_INVALID']);
    expect((reply.body as unknown as { detail: string }).detail).toMatch(/^publicKey/);
  });

  it.each([
    ['no token', undefined],
    ['a token no device holds', 'A'.repeat(43)],
    ['a malformed token', 'not a token'],
    // 43 characters, the last carrying bits beyond 32 bytes: no token the service makes.
    ['a non-canonical token', `${'A'.repeat(42)}B`],
  ])('when the enrolment comes with %s, then 401 ERR_VERIFIER_DEVICE_UNKNOWN', async (_l, t) => {
    const reply = await enrol(t, { publicKey: deviceKey().publicJwk.x });
    expect([reply.status, reply.body.code]).toEqual([401, 'ERR_VERIFIER_DEVICE_UNKNOWN']);
  });

  it('when a device asks for certificates too often, then 429 ERR_RATE_LIMITED with retryAfter, and another device is not held back', async () => {
    const device = await register({ name: 'Eager' });
    const other = await register({ name: 'Calm' });
    const key = deviceKey().publicJwk.x;
    for (let i = 0; i < CERTIFICATE_REQUESTS_PER_MINUTE; i++)
      expect((await enrol(device.token, { publicKey: key })).status).toBe(200);
    const refused = await enrol(device.token, { publicKey: key });
    expect([refused.status, refused.body.code]).toEqual([429, 'ERR_RATE_LIMITED']);
    expect(refused.body.retryAfter).toBe(60);
    expect((await enrol(other.token, { publicKey: key })).status).toBe(200);
    service().advance(60);
    expect((await enrol(device.token, { publicKey: key })).status).toBe(200);
  });
});
