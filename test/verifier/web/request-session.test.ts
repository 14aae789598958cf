/*
 * A verifier device that says who it is (issue 16), without a browser: the session enrols its
 * device key for a certificate with the device token, keeps it and renews it near expiry, shows
 * a request (createRequest) that a holder's phone accepts (verifyRequest), accepts the answer to
 * it once, and in a role other than the police's shows only what the role may see. Against the
 * real issuer service on loopback for keys, lists and credentials; the certificate route is
 * answered here with a certificate the test authority key signs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../helpers/memory-store.js';
import type { Signer } from '../../../shared/crypto-backend.js';
import type { LicenceRecord } from '../../../shared/licence/record.js';
import {
  signVerifierCertificate,
  type Role,
  type VerifierCertificate,
} from '../../../shared/request/certificate.js';
import { verifyRequest } from '../../../shared/request/request.js';
import { createPresentationV2 } from '../../../shared/sd/presentation-v2.js';
import { nobleBackend } from '../../../verifier/backends/noble.js';
import { createTrustStore } from '../../../verifier/trust-store.js';
import type { LocalStore } from '../../../verifier/web/local-store.js';
import { VerificationSession, type SessionEnv } from '../../../verifier/web/session.js';
import { loadTestKeys } from '../../helpers/presentation-kit.js';
import { addDevice, issue, newDriver, syntheticLicence } from '../../issuer/fixtures.js';
import { startService, type TestService } from '../../issuer/harness.js';
import { deviceTokenFor } from '../../helpers/device-token.js';

const keys = loadTestKeys();
const TOKEN = deviceTokenFor('device-token-of-a-verifier-0001');
const DAY_S = 86_400;

let service: TestService;
let serial = 7600;

/** The device: its store, link, clock offset, and what the certificate route answers. */
interface Device {
  readonly store: LocalStore;
  online: boolean;
  movedMs: number;
  role: Role;
  may: readonly (0 | 1 | 2 | 3 | 4 | 5)[];
  /** Seconds a certificate is valid. */
  lifetimeS: number;
  /** How old (seconds) a certificate issued now already is: its nbf that far back. */
  ageS: number;
  /** Certificates issued so far. */
  issued: string[];
}
let device: Device;

/** The certificate route of the service contract, signed with the test authority key. */
function certificateRoute(on: Device): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.endsWith('/api/verifier/certificate')) return fetch(input, init);
    const headers = new Headers(init?.headers);
    if (headers.get('authorization') !== `Bearer ${TOKEN}`)
      return new Response('{"error":"unauthorised"}', { status: 401 });
    const { publicKey } = JSON.parse(typeof init?.body === 'string' ? init.body : '{}') as {
      publicKey: string;
    };
    const now = Math.floor((Date.now() + on.movedMs) / 1000);
    const claims: VerifierCertificate = {
      iss: service.url,
      iat: now - on.ageS,
      nbf: now - on.ageS,
      exp: now - on.ageS + on.lifetimeS,
      jti: `cert-${on.issued.length}-0000000000001`,
      holderKey: publicKey,
      status: { idx: on.issued.length, uri: `${service.url}/status/verifiers/1` },
      org: on.role === 'police' ? '市公安局交通警察支队' : '平安汽车租赁有限公司',
      role: on.role,
      may: on.may,
    };
    const certificate = await signVerifierCertificate(claims, keys.issuer);
    on.issued.push(certificate);
    return Response.json({
      certificate,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      statusUri: claims.status.uri,
    });
  };
}

function env(on: Device): SessionEnv {
  const monoMs = () => performance.now() + on.movedMs;
  return {
    store: on.store,
    origin: service.url,
    online: () => on.online,
    monoMs,
    readClocks: () => ({ deviceMs: Date.now() + on.movedMs, monoMs: monoMs() }),
    fetch: certificateRoute(on),
    deviceSigner: () => Promise.resolve(keys.otherHolder),
  };
}

/** A holder of a version 2 credential the service signed. */
async function holderV2(): Promise<{
  copy: string;
  signer: Signer;
  licence: LicenceRecord;
}> {
  const licence = syntheticLicence(serial++);
  const driver = await newDriver(service, licence);
  const phone = await addDevice(driver);
  const issued = await issue(driver, phone);
  return {
    copy: issued.holderCopy,
    signer: phone.signer,
    licence,
  };
}

/** What a holder's phone does with a request: check it, then answer exactly it. */
async function answer(requestText: string, holder: Awaited<ReturnType<typeof holderV2>>) {
  const request = verifyRequest(requestText, {
    keys: createTrustStore([keys.issuerJwks], nobleBackend),
    now: new Date(),
  });
  return createPresentationV2(holder.copy, holder.signer, {
    now: new Date(),
    purpose: request.purpose,
    groups: request.groups,
    nonce: request.nonce,
    audience: request.audience,
  });
}

/** A session with the token saved and a certificate enrolled. */
async function enrolled(): Promise<VerificationSession> {
  const session = await VerificationSession.open(env(device));
  await session.saveSettings({ ...session.settings, token: TOKEN });
  await session.refresh();
  expect(session.identity.identity?.claims.role).toBe(device.role);
  return session;
}

beforeAll(async () => {
  service = await startService('sqlite');
}, 60_000);

afterAll(async () => {
  await service.close();
});

beforeEach(() => {
  device = {
    store: memoryStore(),
    online: true,
    movedMs: 0,
    role: 'police',
    may: [0, 1, 2, 3, 4, 5],
    lifetimeS: 30 * DAY_S,
    ageS: 0,
    issued: [],
  };
});

describe('a verifier device that says who it is', { timeout: 30_000 }, () => {
  it('when no token is set, then no certificate is asked for and no request can be made', async () => {
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    expect(session.enrolment).toBe('no-token');
    expect(device.issued).toEqual([]);
    await expect(session.makeRequest('police')).rejects.toThrow(/no certificate/);
  });

  it('when a token is saved, then the device key is enrolled and the certificate kept for the next session; another token is enrolled again, and a refusal leaves the kept one in use', async () => {
    const session = await enrolled();
    expect(device.issued).toHaveLength(1);
    expect(session.enrolment).toBe('enrolled');
    const { claims } = session.identity.identity ?? {};
    expect(claims?.holderKey).toBe(keys.otherHolder.publicJwk.x);
    expect(claims?.org).toBe('市公安局交通警察支队');

    // The next session reads the kept one and asks for none.
    const again = await VerificationSession.open(env(device));
    expect(again.identity.identity?.certificate).toBe(device.issued[0]);
    await again.refresh();
    expect(again.enrolment).toBe('kept');
    expect(device.issued).toHaveLength(1);

    // Another token: enrolled again, refused here; the certificate kept stays in use.
    await again.saveSettings({ ...again.settings, token: deviceTokenFor('another device token') });
    await again.refresh();
    expect(again.enrolment).toBe('refused');
    expect(again.identity.identity?.certificate).toBe(device.issued[0]);
  });

  it('when the kept certificate has less than a third of its life left and the device is online, then it is renewed, once', async () => {
    device.ageS = 21 * DAY_S; // 9 of 30 days left
    await enrolled();
    expect(device.issued).toHaveLength(1);
    device.ageS = 0;
    const later = await VerificationSession.open(env(device));
    await later.refresh();
    expect(later.enrolment).toBe('enrolled');
    expect(device.issued).toHaveLength(2);
    expect(later.identity.identity?.certificate).toBe(device.issued[1]);
    await later.refresh();
    expect(later.enrolment).toBe('kept');
    expect(device.issued).toHaveLength(2);
  });

  it('when the certificate nears expiry offline, then it is kept and a request is still made', async () => {
    device.ageS = 25 * DAY_S;
    await enrolled();
    device.online = false;
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    expect(session.enrolment).toBe('offline');
    const request = await session.makeRequest('police');
    expect(request.audience).toBe(session.identity.identity?.audience);
  });

  it('when the token is wrong, then the service refuses and nothing is kept', async () => {
    const session = await VerificationSession.open(env(device));
    await session.saveSettings({
      ...session.settings,
      token: deviceTokenFor('a token the service never issued'),
    });
    await session.refresh(); // the update saving started
    expect(session.enrolment).toBe('refused');
    expect(session.identity.identity).toBeUndefined();
  });

  it('when a rental desk shows its request, then the phone reads who asks and what; the answer is green once with only holder and driving, and again refused as used', async () => {
    device.role = 'rental';
    device.may = [0, 1];
    const session = await enrolled();
    const request = await session.makeRequest('rental');
    const seen = verifyRequest(request.text, {
      keys: createTrustStore([keys.issuerJwks], nobleBackend),
      now: new Date(),
    });
    expect(seen).toMatchObject({
      org: '平安汽车租赁有限公司',
      role: 'rental',
      purpose: 'rental',
      groups: [0, 1],
      nonce: request.nonce,
      audience: request.audience,
    });

    const holder = await holderV2();
    const text = await answer(request.text, holder);
    session.answering = true;
    const first = await session.scan(text);
    expect(first?.verdict.tone).toBe('valid');
    expect(first?.verdict.report.disclosure?.disclosed).toEqual(['holder', 'driving']);
    expect(first?.verdict.report.licence?.name).toBe(holder.licence.name);
    expect(first?.verdict.report.licence?.licenceNumber).toBeUndefined();
    expect(session.identity.activeRequest(session.nowMs())).toBeUndefined();

    session.forgetLastCode();
    const second = await session.scan(text);
    expect(second?.verdict.tone).toBe('invalid');
    expect(second?.verdict.code).toBe('ERR_NONCE_USED');

    // A new request is made on demand; the old answer is not its answer.
    const next = await session.makeRequest('rental');
    expect(next.nonce).not.toBe(request.nonce);
    session.forgetLastCode();
    expect((await session.scan(text))?.verdict.code).toBe('ERR_NONCE_USED');
    const third = await session.scan(await answer(next.text, holder));
    expect(third?.verdict.tone).toBe('valid');
  });

  it('when a plain code is scanned on the request screen, then it is refused ERR_NONCE_MISMATCH; an answer to its request on the direct scan is checked as one, and on a device that made none is ERR_WRONG_VERIFIER', async () => {
    const session = await enrolled();
    const request = await session.makeRequest('police');
    const holder = await holderV2();
    const plain = await createPresentationV2(holder.copy, holder.signer, {
      now: new Date(),
      purpose: 'police',
    });
    session.answering = true;
    expect((await session.scan(plain))?.verdict.code).toBe('ERR_NONCE_MISMATCH');
    // On the direct scan, an answer to this device's request is still checked as one: valid once.
    session.answering = false;
    const own = await answer(request.text, holder);
    expect((await session.scan(own))?.verdict.tone).toBe('valid');
    session.forgetLastCode();
    expect((await session.scan(own))?.verdict.code).toBe('ERR_NONCE_USED');
    // A device that made no request: an answer is another verifier's.
    const other = await VerificationSession.open(env({ ...device, store: memoryStore() }));
    await other.refresh();
    expect((await other.scan(own))?.verdict.code).toBe('ERR_WRONG_VERIFIER');
    // The direct scan of a plain code stays as before: green, everything shown.
    const direct = await session.scan(plain);
    expect(direct?.verdict.tone).toBe('valid');
    expect(direct?.verdict.report.licence?.licenceNumber).toBe(holder.licence.licenceNumber);
  });

  it('when the custom purpose asks for a subset of the certificate, then the request carries those groups; beyond it, nothing is made', async () => {
    device.role = 'rental';
    device.may = [0, 1];
    const session = await enrolled();
    const request = await session.makeRequest('custom', [1]);
    expect(request.groups).toEqual([1]);
    expect(
      verifyRequest(request.text, {
        keys: createTrustStore([keys.issuerJwks], nobleBackend),
        now: new Date(),
      }).groups,
    ).toEqual([1]);
    await expect(session.makeRequest('custom', [1, 2])).rejects.toThrow(RangeError);
    await expect(session.makeRequest('police')).rejects.toThrow(RangeError);
  });

  it('when a rental-role device scans a police code showing everything, then no identity, file or age element reaches the verdict or the history', async () => {
    device.role = 'rental';
    device.may = [0, 1];
    const session = await enrolled();
    const holder = await holderV2();
    const code = await createPresentationV2(holder.copy, holder.signer, {
      now: new Date(),
      purpose: 'police',
    });
    const scan = await session.scan(code);
    expect(scan?.verdict.tone).toBe('valid');
    const { licence, disclosure } = scan?.verdict.report ?? {};
    expect(Object.keys(licence ?? {}).sort()).toEqual(
      ['classes', 'name', 'points', 'status', 'validFrom', 'validTo'].sort(),
    );
    expect(disclosure?.disclosed).toEqual(['holder', 'driving']);
    expect(disclosure?.ageOver18).toBeUndefined();
    expect(JSON.stringify(scan?.verdict)).not.toContain(holder.licence.licenceNumber);
    await expect.poll(() => session.history.list()).toHaveLength(1);
    const [entry] = await session.history.list();
    expect(entry).toEqual({ at: scan?.atMs, tone: 'valid', purpose: 'police' });
  });

  it('when a device certified for less than its role scans a police code, then it sees only the groups of its certificate and asks for no portrait', async () => {
    device.role = 'rental';
    device.may = [1];
    const session = await enrolled();
    const holder = await holderV2();
    const code = await createPresentationV2(holder.copy, holder.signer, {
      now: new Date(),
      purpose: 'police',
    });
    const scan = await session.scan(code);
    expect(scan?.verdict.tone).toBe('valid');
    const { licence, disclosure, credential } = scan?.verdict.report ?? {};
    expect(Object.keys(licence ?? {}).sort()).toEqual(
      ['classes', 'points', 'status', 'validFrom', 'validTo'].sort(),
    );
    expect(disclosure?.disclosed).toEqual(['driving']);
    expect(credential?.portraitHash).toBeUndefined();
    expect(scan?.wantsPortrait).toBe(false);
    expect(JSON.stringify(scan?.verdict)).not.toContain(holder.licence.name);
  });

  it('when accepted nonces are ten minutes old, then they are pruned', async () => {
    const session = await enrolled();
    const request = await session.makeRequest('police');
    await session.identity.accept(request.nonce, session.nowMs());
    expect(await session.identity.answered(session.nowMs())).toEqual(new Set([request.nonce]));
    expect(await session.identity.answered(session.nowMs() + 601_000)).toEqual(new Set());
  });
});
