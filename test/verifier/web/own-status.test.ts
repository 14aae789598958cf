/*
 * A verifier device that learns it was revoked (verifier/web/session.ts checkOwnStatus): against
 * the real issuer service on loopback, enrolled with a device token an admin registered, revoked
 * with the admin API. At its next update online the device reads its own certificate's entry in
 * the verifier status list (checked with the issuer's keys): revoked, it makes no request and
 * says why, and keeps that across a reload; offline, out of reach, or with a list the issuer did
 * not sign, nothing changes; a new token enrols it again and clears it. Scanning codes directly
 * does not need the certificate and still works.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signStatusList } from '../../../issuer/sign-status-list.js';
import type { Signer } from '../../../shared/crypto-backend.js';
import { createJwkSigner, generateKeyPair } from '../../../shared/node/keys.js';
import { createPresentationV2 } from '../../../shared/sd/presentation-v2.js';
import { STATUS } from '../../../shared/status-list.js';
import type { LocalStore } from '../../../verifier/web/local-store.js';
import { VerificationSession, type SessionEnv } from '../../../verifier/web/session.js';
import {
  CertificateWithdrawnError,
  type KeptCertificate,
} from '../../../verifier/web/verifier-identity.js';
import { memoryStore } from '../../helpers/memory-store.js';
import {
  addDevice,
  issue,
  newDriver,
  newStaff,
  syntheticLicence,
  type StaffClient,
} from '../../issuer/fixtures.js';
import { startService, type TestService } from '../../issuer/harness.js';

/** The device: its store and key, whether it is online, and what its fetch answers. */
interface Device {
  readonly store: LocalStore;
  readonly key: Signer;
  online: boolean;
  /** An answer in place of the service's for a path of a verifier status list. */
  verifierList?: (() => Response | Promise<Response>) | undefined;
  /** Every URL fetched, to see that no token ends up in one. */
  readonly fetched: string[];
}

let service: TestService;
let admin: StaffClient;
let device: Device;
let serial = 7900;

function env(on: Device): SessionEnv {
  return {
    store: on.store,
    origin: service.url,
    online: () => on.online,
    monoMs: () => performance.now(),
    readClocks: () => ({ deviceMs: Date.now(), monoMs: performance.now() }),
    // Offline, every fetch fails as a browser's does.
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      on.fetched.push(url);
      if (!on.online) throw new TypeError('Failed to fetch');
      if (on.verifierList !== undefined && new URL(url).pathname.startsWith('/status/verifiers/'))
        return on.verifierList();
      return fetch(input, init);
    },
    deviceSigner: () => Promise.resolve(on.key),
  };
}

/** A verifier device registered by the admin: its id and token. */
async function register(name: string): Promise<{ id: number; token: string }> {
  const reply = await admin.post<{ id: number; token: string }>('/api/admin/verifier-devices', {
    name,
  });
  expect(reply.status, reply.text).toBe(201);
  return reply.body;
}

async function revoke(id: number): Promise<void> {
  const reply = await admin.post(`/api/admin/verifier-devices/${id}/revoke`, {});
  expect(reply.status, reply.text).toBe(200);
}

/** A session with `token` saved and its certificate enrolled. */
async function enrolledWith(token: string): Promise<VerificationSession> {
  const session = await VerificationSession.open(env(device));
  await session.saveSettings({ ...session.settings, token });
  await session.refresh();
  expect(session.enrolment).toBe('enrolled');
  expect(session.identity.standing).toBe('valid');
  return session;
}

/** Why making a request was refused: the error's class and code. */
async function refusal(session: VerificationSession): Promise<unknown> {
  try {
    await session.makeRequest('police');
  } catch (error) {
    return error instanceof CertificateWithdrawnError ? error.code : error;
  }
  return 'made';
}

/** A fresh code of a newly issued credential. */
async function licenceCode(): Promise<string> {
  const driver = await newDriver(service, syntheticLicence(serial++));
  const phone = await addDevice(driver);
  const issued = await issue(driver, phone);
  return createPresentationV2(issued.holderCopy, phone.signer, { now: new Date() });
}

beforeAll(async () => {
  service = await startService('sqlite');
  admin = await newStaff(service, 'admin');
}, 60_000);

afterAll(async () => {
  await service.close();
});

beforeEach(() => {
  device = {
    store: memoryStore(),
    key: createJwkSigner(generateKeyPair().privateJwk),
    online: true,
    fetched: [],
  };
});

describe('a verifier device whose certificate is withdrawn', { timeout: 30_000 }, () => {
  it('when the admin revokes it, then after its next update the device says revoked, makes no request (ERR_DEVICE_REVOKED), still judges codes scanned directly, and says so again after a reload', async () => {
    const { id, token } = await register('卡口三号手持终端');
    const session = await enrolledWith(token);
    const before = await session.makeRequest('police');
    expect(session.identity.activeRequest(session.nowMs())?.nonce).toBe(before.nonce);
    const { uri } = session.identity.identity?.claims.status ?? { uri: '' };
    const listBefore = await (await fetch(new URL(new URL(uri).pathname, service.url))).text();

    await revoke(id);
    // Not known before the update.
    expect(session.identity.standing).toBe('valid');
    await session.refresh();
    expect(session.identity.standing).toBe('revoked');
    expect(await refusal(session)).toBe('ERR_DEVICE_REVOKED');
    // The request shown before can no longer be answered; the certificate is still there to say
    // who the device was.
    expect(session.identity.activeRequest(session.nowMs())).toBeUndefined();
    expect(session.identity.identity?.claims.role).toBe('police');

    const scan = await session.scan(await licenceCode());
    expect([scan?.verdict.tone, scan?.verdict.code]).toEqual(['valid', undefined]);

    // The list as it was before (a cache's or a replayed copy), signed by the issuer but no
    // later than the one read: it does not undo the revocation.
    device.verifierList = () => new Response(listBefore);
    await session.refresh();
    expect(session.identity.standing).toBe('revoked');
    device.verifierList = undefined;

    const reloaded = await VerificationSession.open(env(device));
    expect(reloaded.identity.standing).toBe('revoked');
    expect(await refusal(reloaded)).toBe('ERR_DEVICE_REVOKED');
    // The revoked token enrols nothing: the state stays.
    await reloaded.refresh();
    expect(reloaded.identity.standing).toBe('revoked');
    expect(device.fetched.filter((url) => url.includes(token))).toEqual([]);
  });

  it('when the device is offline, or the list is out of reach, after the revocation, then nothing changes: the certificate stays in use', async () => {
    const { id, token } = await register('卡口四号手持终端');
    const session = await enrolledWith(token);
    await revoke(id);

    device.online = false;
    await session.refresh();
    expect(session.identity.standing).toBe('valid');
    expect((await session.makeRequest('police')).audience).toBe(
      session.identity.identity?.audience,
    );

    device.online = true;
    device.verifierList = () => new Response('', { status: 503 });
    await session.refresh();
    expect(session.dataStatus().link).toBe('online');
    expect(session.identity.standing).toBe('valid');
    expect(session.identity.activeRequest(session.nowMs())).toBeDefined();

    device.verifierList = () => {
      throw new TypeError('Failed to fetch');
    };
    await session.refresh();
    expect(session.identity.standing).toBe('valid');

    // Reachable again: it learns it.
    device.verifierList = undefined;
    await session.refresh();
    expect(session.identity.standing).toBe('revoked');
  });

  it('when the list says revoked or suspended but is not signed by the issuer, then it is not believed; signed by the issuer, 2 reads suspended', async () => {
    const { token } = await register('卡口五号手持终端');
    const session = await enrolledWith(token);
    const { uri, idx } = session.identity.identity?.claims.status ?? { uri: '', idx: -1 };
    const jwks = (await service.client().get<{ keys: { kid: string }[] }>('/.well-known/jwks.json'))
      .body;
    const kid = jwks.keys[0]?.kid ?? '';
    const statuses = (value: number) =>
      Array.from({ length: Math.max(8, idx + 1) }, (_, i) => (i === idx ? value : STATUS.VALID));
    /** A list for the device's own URI, signed by a key that is not the issuer's. */
    const forged = async (value: number, signer: Signer) =>
      new Response(
        await signStatusList(
          { uri, statuses: statuses(value), bits: 2, now: new Date(), validFor: 3600, ttl: 60 },
          signer,
        ),
      );
    const stranger = createJwkSigner(generateKeyPair().privateJwk);
    // Naming the issuer's key but signed with another: the signature does not verify.
    const posing: Signer = { ...stranger, kid, sign: (data) => stranger.sign(data) };
    for (const signer of [stranger, posing]) {
      device.verifierList = () => forged(STATUS.INVALID, signer);
      await session.refresh();
      expect(session.identity.standing).toBe('valid');
    }

    // The issuer's own list with the entry set to 2 (suspended), as the service would sign it.
    const listId = Number(new URL(uri).pathname.split('/').pop());
    await service.deps.db.kysely
      .transaction()
      .execute((trx) =>
        service.deps.verifierStatusLists.set(trx, [
          { listId, index: idx, value: STATUS.SUSPENDED },
        ]),
      );
    device.verifierList = undefined;
    await session.refresh();
    expect(session.identity.standing).toBe('suspended');
    expect(await refusal(session)).toBe('ERR_DEVICE_SUSPENDED');
  });

  it('when the admin issues a new device token after the revocation, then the device enrols with it and makes requests again', async () => {
    const old = await register('卡口六号手持终端');
    const session = await enrolledWith(old.token);
    await revoke(old.id);
    await session.refresh();
    expect(session.identity.standing).toBe('revoked');

    const renewed = await register('卡口六号手持终端（新）');
    await session.saveSettings({ ...session.settings, token: renewed.token });
    await session.refresh();
    expect(session.enrolment).toBe('enrolled');
    expect(session.identity.standing).toBe('valid');
    const kept = await device.store.get<KeptCertificate>('certificate');
    expect(kept?.token).toBe(renewed.token);
    expect(kept?.checked?.standing).toBe('valid');
    expect((await session.makeRequest('police')).audience).toBe(
      session.identity.identity?.audience,
    );

    const reloaded = await VerificationSession.open(env(device));
    expect(reloaded.identity.standing).toBe('valid');
  });
});
