/**
 * Bulk re-issue on worker threads, on both engines: after a key rotation, reissueAll with the
 * signing pool re-signs every live credential with the new key (exact counts; the new ones
 * verify against the new JWKS); a signer without a key file (KMS-style) signs on the main
 * thread with the same counts; a worker that cannot open the key fails the run with a clear
 * error and leaves the database as it was. Then the pool itself: a failing batch, a key that is
 * not the expected one, and a process that exits by itself once reissueAll returns.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reissueAll, type ReissueCounts } from '../../issuer/credentials/reissue-all.js';
import {
  openSignPool,
  SignPoolError,
  type SignJob,
} from '../../issuer/credentials/internal/sign-pool.js';
import type { ServiceDeps } from '../../issuer/deps.js';
import { rotateKey, type KeyStore } from '../../issuer/keys/key-store.js';
import { changeLicence } from '../../issuer/lifecycle/change-licence.js';
import type { Signer } from '../../shared/crypto-backend.js';
import { createJwkSigner, generateKeyPair, writeKeyPair } from '../../shared/node/keys.js';
import { parseHolderCopy } from '../../shared/sd/credential-v2.js';
import {
  addDevice,
  ISSUER,
  issue,
  newDriver,
  presentAndVerify,
  restartService,
  syntheticLicence,
  type IssuedBody,
  type Restarted,
  type TestDevice,
} from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { runNode } from '../helpers/child-process.js';
import { ROOT } from '../paths.js';

/** Drivers with a usable licence and device; one more with a revoked device, one suspended. */
const USABLE = 11;
const BATCH = 4;
/** 13 live credentials in batches of 4: 4 batches; the revoked device and suspended skipped. */
const EXPECTED: ReissueCounts = { reissued: USABLE, skipped: 2, batches: 4 };

interface Rotated {
  readonly service: TestService;
  readonly next: Restarted;
  readonly key1: string;
  readonly key2: string;
  readonly issued: readonly Issued[];
}

interface Issued {
  readonly credential: IssuedBody;
  readonly device: TestDevice;
}

/** A service with 13 live credentials under key 1, its key rotated and the service restarted. */
async function rotated(engine: (typeof ENGINES)[number]): Promise<Rotated> {
  const service = await startService(engine);
  const key1 = service.deps.keys.current().kid;
  const issued: Issued[] = [];
  for (let i = 0; i < USABLE + 2; i++) {
    const driver = await newDriver(service, syntheticLicence(i));
    const device = await addDevice(driver);
    issued.push({ credential: await issue(driver, device), device });
  }
  const [revoked, suspended] = issued.slice(USABLE) as [Issued, Issued];
  await service.deps.db.kysely
    .updateTable('devices')
    .set({ revoked_at: service.now() })
    .where('id', '=', revoked.device.deviceId)
    .execute();
  const suspendedLicence = await service.deps.db.kysely
    .selectFrom('credentials')
    .select(['licence_number'])
    .where('jti', '=', suspended.credential.jti)
    .executeTakeFirstOrThrow();
  await changeLicence(
    service.deps,
    suspendedLicence.licence_number,
    { action: 'suspend' },
    'staff:1',
  );
  const key2 = await rotateKey(service.deps.config.dataDir);
  service.advance(60);
  const next = await restartService(service);
  // Published first (pre-publication), then signing.
  next.advance(next.deps.config.keyPublishAhead);
  expect(next.deps.keys.current().kid).toBe(key2);
  return { service, next, key1, key2, issued };
}

/** Everything reissueAll writes, to compare before and after. */
async function snapshot(deps: ServiceDeps): Promise<unknown> {
  const { kysely } = deps.db;
  return {
    credentials: await kysely
      .selectFrom('credentials')
      .select(['jti', 'state', 'kid', 'list_id', 'status_index'])
      .orderBy('jti')
      .execute(),
    audit: await kysely.selectFrom('audit_log').select(['id', 'action']).orderBy('id').execute(),
    keys: await kysely
      .selectFrom('issuer_keys')
      .select(['kid', 'last_expiry', 'retired_at'])
      .orderBy('kid')
      .execute(),
  };
}

/** Live credentials by kid, and the re-issue audit entries. */
/**
 * Asserts that the live credential of `device`, presented and verified as a verifier would
 * against the JWKS served now, is valid and signed by key 2; that credential.
 */
async function expectLiveUnderKey2(
  r: Rotated,
  device: TestDevice,
): Promise<{ credential: string; holderCopy: string; jti: string }> {
  const row = await r.next.deps.db.kysely
    .selectFrom('credentials')
    .select(['credential', 'holder_copy', 'list_id', 'jti'])
    .where('state', '=', 'live')
    .where('device_id', '=', device.deviceId)
    .executeTakeFirstOrThrow();
  const holderCopy = row.holder_copy ?? '';
  // The holder's copy is of this credential: its JWS, then the seed and the values.
  expect(holderCopy.startsWith(`${row.credential}~`)).toBe(true);
  const report = await presentAndVerify(
    r.next.url,
    r.next.now(),
    { holderCopy, listId: row.list_id },
    device,
  );
  expect(report.valid, report.message.en).toBe(true);
  expect(report.credential?.kid).toBe(r.key2);
  expect(report.disclosure?.version).toBe(2);
  return { credential: row.credential, holderCopy, jti: row.jti };
}

async function outcome(r: Rotated): Promise<{ byKid: Record<string, number>; audits: number }> {
  const { kysely } = r.next.deps.db;
  const live = await kysely
    .selectFrom('credentials')
    .select(['kid'])
    .where('state', '=', 'live')
    .execute();
  const byKid: Record<string, number> = {};
  for (const { kid } of live) {
    const name = kid === r.key1 ? 'key1' : kid === r.key2 ? 'key2' : kid;
    byKid[name] = (byKid[name] ?? 0) + 1;
  }
  const audits = await kysely
    .selectFrom('audit_log')
    .select(['id'])
    .where('action', '=', 'credential.reissue')
    .execute();
  return { byKid, audits: audits.length };
}

/** A key store whose signer is not backed by a file, as a KMS's would be. */
function kmsKeyStore(keys: KeyStore, signer: Signer): KeyStore {
  return {
    current: () => ({
      kid: signer.kid,
      publicJwk: signer.publicJwk,
      // A remote signer answers later, not at once.
      sign: (data) =>
        new Promise((resolve, reject) => {
          setImmediate(() => {
            signer.sign(data).then(resolve, reject);
          });
        }),
    }),
    jwks: (now) => keys.jwks(now),
    noteExpiry: (kid, exp, trx) => keys.noteExpiry(kid, exp, trx),
  };
}

describe.each(ENGINES)('reissueAll with the signing pool on %s', (engine) => {
  let current: Rotated | undefined;
  afterEach(async () => {
    await current?.next.running.stop();
    await current?.service.close();
    current = undefined;
  });

  it('when the key is rotated and reissueAll runs on worker threads, then every live credential of a usable licence is re-signed by the new key in its slot, and verifies against the new JWKS', async () => {
    current = await rotated(engine);
    const r = current;
    const before = await r.next.deps.db.kysely
      .selectFrom('credentials')
      .select(['jti', 'licence_number', 'list_id', 'status_index', 'device_id'])
      .execute();

    const counts = await reissueAll(r.next.deps, { batchSize: BATCH, signThreads: 2 });
    expect(counts).toEqual(EXPECTED);
    expect(await outcome(r)).toEqual({ byKid: { key1: 2, key2: USABLE }, audits: USABLE });

    // Each new credential sits in the old one's slot, on the same device; the old is refreshed.
    const live = await r.next.deps.db.kysely
      .selectFrom('credentials')
      .select(['jti', 'licence_number', 'list_id', 'status_index', 'device_id', 'kid'])
      .where('state', '=', 'live')
      .where('kid', '=', r.key2)
      .execute();
    const old = new Map(before.map((c) => [c.licence_number, c]));
    for (const c of live) {
      const was = old.get(c.licence_number);
      expect(was && [was.list_id, was.status_index, was.device_id]).toEqual([
        c.list_id,
        c.status_index,
        c.device_id,
      ]);
      expect(was?.jti).not.toBe(c.jti);
    }
    const refreshed = await r.next.deps.db.kysely
      .selectFrom('credentials')
      .select(['jti'])
      .where('state', '=', 'refreshed')
      .execute();
    expect(refreshed).toHaveLength(USABLE);

    // A few, presented and verified as a verifier would, against the JWKS served now.
    for (const k of [0, 5, USABLE - 1]) {
      const { credential: was, device } = r.issued[k] as Issued;
      const live = await expectLiveUnderKey2(r, device);
      expect(live.jti).not.toBe(was.jti);
    }

    // Nothing left to move: a second run re-signs nothing.
    expect(await reissueAll(r.next.deps, { batchSize: BATCH })).toEqual({
      reissued: 0,
      skipped: 2,
      batches: 1,
    });
  });

  it('when the signer is not backed by a key file (KMS-style), then reissueAll signs on the main thread with the same counts', async () => {
    current = await rotated(engine);
    const r = current;
    const keyFile = r.next.deps.keys.currentKeyFile?.();
    expect(keyFile).toBeDefined();
    const signer = createJwkSigner(JSON.parse(await readFile(keyFile ?? '', 'utf8')));
    // No worker could open the key now: only the in-process path can succeed.
    await rm(keyFile ?? '');
    const deps: ServiceDeps = { ...r.next.deps, keys: kmsKeyStore(r.next.deps.keys, signer) };

    expect(await reissueAll(deps, { batchSize: BATCH })).toEqual(EXPECTED);
    expect(await outcome(r)).toEqual({ byKid: { key1: 2, key2: USABLE }, audits: USABLE });
    const { credential: was, device } = r.issued[3] as Issued;
    const live = await expectLiveUnderKey2(r, device);
    expect(live.credential).not.toBe(was.credential);
  });

  it('when `signThreads` is 0, then reissueAll signs on the main thread with the same counts', async () => {
    current = await rotated(engine);
    expect(await reissueAll(current.next.deps, { batchSize: BATCH, signThreads: 0 })).toEqual(
      EXPECTED,
    );
    expect(await outcome(current)).toEqual({ byKid: { key1: 2, key2: USABLE }, audits: USABLE });
  });

  it('when the key file is deleted before the run, then reissueAll fails with ERR_SIGN_WORKER naming the file, and the database is as it was', async () => {
    current = await rotated(engine);
    const r = current;
    const keyFile = r.next.deps.keys.currentKeyFile?.() ?? '';
    await rm(keyFile);
    const before = await snapshot(r.next.deps);

    const failed = reissueAll(r.next.deps, { batchSize: BATCH, signThreads: 2 });
    await expect(failed).rejects.toBeInstanceOf(SignPoolError);
    await expect(failed).rejects.toMatchObject({ code: 'ERR_SIGN_WORKER' });
    await expect(failed).rejects.toThrow(keyFile);
    await expect(failed).rejects.toThrow(/ENOENT/);
    expect(await snapshot(r.next.deps)).toEqual(before);
  });
});

describe('the signing pool', () => {
  const job = (overrides: Partial<SignJob> = {}): SignJob => ({
    licence: syntheticLicence(0),
    holderKey: createJwkSigner(generateKeyPair().privateJwk).publicJwk.x,
    issuer: ISSUER,
    status: { idx: 7, uri: `${ISSUER}/status/1` },
    now: Date.now(),
    validDays: 30,
    jti: 'AAAAAAAAAAAAAAAA',
    ...overrides,
  });

  it('when a batch fails in a worker, then that batch is rejected with ERR_SIGN_WORKER and the worker error as cause, and the next batch is signed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lz-pool-'));
    const { privatePath, kid } = await writeKeyPair(join(dir, 'key'));
    const pool = await openSignPool({ keyFile: privatePath, kid, size: 2 });
    try {
      const bad = [job(), job({ validDays: 0 }), job(), job()];
      const failed = pool.sign(bad);
      await expect(failed).rejects.toMatchObject({
        name: 'SignPoolError',
        code: 'ERR_SIGN_WORKER',
        cause: { name: 'RangeError' },
      });
      await expect(failed).rejects.toThrow(/validDays: expected an integer 1-3660, found 0/);
      const signed = await pool.sign([job({ jti: 'BBBBBBBBBBBBBBBB' }), job(), job()]);
      expect(signed).toHaveLength(3);
      const header = JSON.parse(
        Buffer.from(signed[0]?.credential.split('.')[0] ?? '', 'base64url').toString(),
      ) as { kid?: string; typ?: string };
      expect([header.kid, header.typ]).toEqual([kid, 'lzdl+sd-jwt']);
      // Each with its holder's copy, and a seed of its own even for the same licence and time.
      const copies = signed.map((c) => parseHolderCopy(c.holderCopy));
      expect(copies.map((c) => c.credential)).toEqual(signed.map((c) => c.credential));
      expect(new Set(copies.map((c) => Buffer.from(c.seed).toString('hex'))).size).toBe(3);
    } finally {
      await pool.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the key file holds another key than the one expected, then opening the pool fails with ERR_SIGN_KEY_MISMATCH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lz-pool-'));
    const { privatePath } = await writeKeyPair(join(dir, 'key'));
    try {
      const other = generateKeyPair().publicJwk.kid ?? '';
      await expect(
        openSignPool({ keyFile: privatePath, kid: other, size: 1 }),
      ).rejects.toMatchObject({ name: 'SignPoolError', code: 'ERR_SIGN_KEY_MISMATCH' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when reissueAll returns, then no worker thread is left: a process that ran it exits by itself', async () => {
    const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
    const script = `
      const { startService } = await import(${url('./harness.ts')});
      const f = await import(${url('./fixtures.ts')});
      const { rotateKey } = await import(${url('../../issuer/keys/key-store.ts')});
      const { reissueAll } = await import(${url('../../issuer/credentials/reissue-all.ts')});
      const service = await startService('sqlite');
      const driver = await f.newDriver(service, f.syntheticLicence(0));
      await f.issue(driver, await f.addDevice(driver));
      await rotateKey(service.deps.config.dataDir);
      const next = await f.restartService(service);
      next.advance(next.deps.config.keyPublishAhead);
      const counts = await reissueAll(next.deps, { signThreads: 2 });
      await next.running.stop();
      await service.close();
      process.stdout.write(JSON.stringify(counts));
    `;
    const child = await runNode(['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: ROOT,
      env: { CI: 'false' },
      timeout: 25_000,
    });
    expect(child.code, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ reissued: 1, skipped: 0, batches: 1 });
  }, 30_000);
});
