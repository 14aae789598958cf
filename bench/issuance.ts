/*
 * Bulk issuance: credentials re-signed and persisted per second by reissueAll after a key
 * rotation, on SQLite and on PostgreSQL (a fresh schema, dropped afterwards). N licences, each
 * with a driver, a device and one live credential, are put straight into the database (not
 * timed); then the key is rotated and reissueAll is timed. Twice, each on its own seeded store:
 * signing on the main thread (the baseline), then with the worker pool.
 *
 * Then what durability costs on SQLite, which syncs every commit (synchronous FULL): the pooled
 * run again with synchronous NORMAL (syncs only at checkpoints: a power cut can lose answered
 * commits), and one credential per transaction (issueCredential re-signing, as a refresh after a
 * change does: one commit per request) in rounds alternating FULL and NORMAL on one store. Each
 * printed as FULL's rate over NORMAL's.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Insertable } from 'kysely';
import pg from 'pg';
import { loadConfig, type Config } from '../issuer/config.js';
import { issueCredential } from '../issuer/credentials/issue-credential.js';
import { reissueAll } from '../issuer/credentials/reissue-all.js';
import { SQLITE_SYNCHRONOUS, type Db } from '../issuer/db/database.js';
import type {
  CredentialTable,
  DeviceTable,
  DriverTable,
  LicenceTable,
} from '../issuer/db/schema.js';
import type { ServiceDeps } from '../issuer/deps.js';
import { rotateKey } from '../issuer/keys/key-store.js';
import { createLogger } from '../issuer/logger.js';
import { openService } from '../issuer/service.js';
import { generateKeyPair } from '../shared/node/keys.js';
import { LIST_CAPACITY } from '../issuer/status/status-store.js';
import {
  insertDriver,
  insertIssuedApplication,
  insertLicence,
  insertSession,
  syntheticLicence,
} from '../test/issuer/fixtures.js';
import { ENGINES, POSTGRES_URL } from '../test/issuer/harness.js';

const TARGET = { sqlite: 10_000, postgres: 5_000 } as const;
type Engine = keyof typeof TARGET;

/** A service's dependencies on a fresh data folder and, for PostgreSQL, a fresh schema. */
export interface BenchStore {
  readonly config: Config;
  /** Opens the service's dependencies (again): what a restart does. */
  open(): Promise<ServiceDeps>;
  /** Drops the schema and removes the data folder. */
  remove(): Promise<void>;
}

/**
 * Makes a fresh data folder (and schema); `env` adds to the service's environment (its logs are
 * silent unless `LOG_LEVEL` says otherwise).
 */
export async function benchStore(
  engine: Engine,
  env: Record<string, string> = {},
): Promise<BenchStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lz-bench-'));
  const schema = `lz_bench_${randomBytes(6).toString('hex')}`;
  if (engine === 'postgres') await admin(`create schema ${schema}`);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://issuer.bench',
    DEMO: 'false',
    LOG_LEVEL: 'silent',
    ...(engine === 'postgres'
      ? {
          DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        }
      : {}),
    ...env,
  });
  return {
    config,
    open: () => openService(config, createLogger(config.logLevel)),
    async remove() {
      if (engine === 'postgres') await admin(`drop schema if exists ${schema} cascade`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A driver with a device and a signed-in session, as sign-in and registration would leave them. */
export async function signedInDriver(
  db: Db,
  now: number,
): Promise<{ cookie: string; csrfToken: string; deviceId: number; driverId: number }> {
  const licence = syntheticLicence(0);
  // Last changed a day ago: the first refresh signs, the next ones find it current (with
  // `now`, every refresh in the first second would sign, as the change might follow it).
  await insertLicence(db, licence, now - 86_400);
  const driverId = await insertDriver(db, licence.licenceNumber, now);
  // Issuance requires an issued e-licence application, as the application flow leaves it.
  await insertIssuedApplication(db, driverId, licence.licenceNumber, now);
  const { id: deviceId } = await db.kysely
    .insertInto('devices')
    .values({
      driver_id: driverId,
      public_key: generateKeyPair().publicJwk.x,
      created_at: now,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { cookie, csrfToken } = await insertSession(db, driverId, now);
  return { cookie, csrfToken, deviceId, driverId };
}

/** Rows per INSERT: under PostgreSQL's 65 535 parameters for the widest table (11 columns). */
const INSERT_ROWS = 2000;

/**
 * Puts `n` licences into the database, each with a driver (id = serial + 1), a device (the same
 * id, a random key) and one live credential signed by `kid` (a stand-in of a credential's
 * length: nothing reads it back), all in status list 1; in batched inserts, one transaction.
 */
export async function seed(db: Db, n: number, kid: string, now: number): Promise<void> {
  const filler = randomBytes(480).toString('base64url');
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('status_lists')
      .values({
        id: 1,
        next_index: n,
        capacity: LIST_CAPACITY,
        statuses: new Uint8Array(LIST_CAPACITY / 4),
        version: 0,
        updated_at: now,
        token: null,
        token_version: -1,
        token_iat: 0,
      })
      .execute();
    for (let from = 0; from < n; from += INSERT_ROWS) {
      const licences: Insertable<LicenceTable>[] = [];
      const drivers: Insertable<DriverTable>[] = [];
      const devices: Insertable<DeviceTable>[] = [];
      const credentials: Insertable<CredentialTable>[] = [];
      const keys = randomBytes(32 * INSERT_ROWS);
      const jtis = randomBytes(12 * INSERT_ROWS);
      for (let i = from; i < Math.min(n, from + INSERT_ROWS); i++) {
        const k = i - from;
        const licence = syntheticLicence(i);
        const id = i + 1;
        licences.push({
          licence_number: licence.licenceNumber,
          record: JSON.stringify(licence),
          status: licence.status,
          issuing_authority: licence.issuingAuthority,
          portrait_hash: null,
          version: 1,
          updated_at: now,
        });
        drivers.push({
          id,
          licence_number: licence.licenceNumber,
          // Unique, as every account's is.
          phone: `138${String(id).padStart(8, '0')}`,
          // Never checked: nobody signs in.
          password_hash: `scrypt$32768$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`,
          created_at: now,
        });
        devices.push({
          id,
          driver_id: id,
          public_key: keys.toString('base64url', 32 * k, 32 * k + 32),
          created_at: now,
          revoked_at: null,
        });
        credentials.push({
          jti: jtis.toString('base64url', 12 * k, 12 * k + 12),
          licence_number: licence.licenceNumber,
          device_id: id,
          list_id: 1,
          status_index: i,
          kid,
          issued_at: now,
          expires_at: now + 30 * 86_400,
          state: 'live',
          idempotency_key: null,
          credential: filler,
        });
      }
      await trx.insertInto('licences').values(licences).execute();
      await trx.insertInto('drivers').values(drivers).execute();
      await trx.insertInto('devices').values(devices).execute();
      await trx.insertInto('credentials').values(credentials).execute();
    }
  });
}

/** SQLite's `synchronous` settings compared: the service's (FULL) and the one it does not use. */
type Synchronous = 'FULL' | 'NORMAL';

/** Sets `synchronous` on the (one) connection of a SQLite store. */
async function setSynchronous(db: Db, mode: Synchronous): Promise<void> {
  await sql.raw(`pragma synchronous = ${mode}`).execute(db.kysely);
}

/**
 * reissueAll's rate on a freshly seeded store: `signThreads` 0 signs on the main thread,
 * undefined with the pool; `synchronous` (SQLite) in place of the service's FULL.
 */
async function timedRun(
  engine: Engine,
  n: number,
  signThreads: number | undefined,
  synchronous?: Synchronous,
): Promise<number> {
  // The re-issue after a rotation runs once the new key signs: no pre-publication wait here.
  const store = await benchStore(engine, { KEY_PUBLISH_AHEAD: '0' });
  try {
    let deps = await store.open();
    await seed(deps.db, n, deps.keys.current().kid, deps.now());
    // The statistics a live database has (autovacuum gathers them after a bulk load): without
    // them PostgreSQL plans the keyset read as a sort of every remaining row.
    if (engine === 'postgres') await sql`analyze`.execute(deps.db.kysely);
    await deps.db.close();
    await rotateKey(store.config.dataDir);
    deps = await store.open();
    try {
      if (synchronous !== undefined) await setSynchronous(deps.db, synchronous);
      const t0 = performance.now();
      const counts = await reissueAll(deps, signThreads === undefined ? {} : { signThreads });
      const seconds = (performance.now() - t0) / 1000;
      if (counts.reissued !== n)
        throw new Error(`bench: expected ${n} credentials re-issued, found ${counts.reissued}`);
      return n / seconds;
    } finally {
      await deps.db.close();
    }
  } finally {
    await store.remove();
  }
}

/** Rounds of the one-credential-per-transaction comparison, FULL and NORMAL alternated. */
const SYNC_ROUNDS = 5;

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Credentials issued per second one transaction each (issueCredential signing every time, as a
 * refresh after a change of the licence does), on one SQLite store, in rounds that alternate
 * synchronous FULL and NORMAL on the same connection: the median rate of each.
 */
async function perTransaction(seconds = 1.5): Promise<Record<Synchronous, number>> {
  const store = await benchStore('sqlite', { CREDENTIAL_REFRESH_AFTER: '0' });
  const deps = await store.open();
  try {
    const { driverId, deviceId } = await signedInDriver(deps.db, deps.now());
    for (let i = 0; i < 300; i++) await issueCredential(deps, { driverId, deviceId });
    const rates: Record<Synchronous, number[]> = { FULL: [], NORMAL: [] };
    for (let round = 0; round < SYNC_ROUNDS; round++) {
      for (const mode of ['FULL', 'NORMAL'] as const) {
        await setSynchronous(deps.db, mode);
        const t0 = performance.now();
        let n = 0;
        while (performance.now() - t0 < seconds * 1000) {
          await issueCredential(deps, { driverId, deviceId });
          n++;
        }
        rates[mode].push(n / ((performance.now() - t0) / 1000));
      }
    }
    return { FULL: median(rates.FULL), NORMAL: median(rates.NORMAL) };
  } finally {
    await deps.db.close();
    await store.remove();
  }
}

/** Runs the section, printing as it goes; returns the figures. */
export async function issuance(n = 50_000): Promise<Record<string, unknown>> {
  console.log(`Bulk issuance (reissueAll after a key rotation, ${n} credentials, per second)`);
  const figures: Record<string, unknown> = { credentials: n };
  for (const engine of ['sqlite', 'postgres'] as const) {
    if (engine === 'postgres' && !ENGINES.includes('postgres')) {
      console.log(`  postgres: no database at ${POSTGRES_URL}, left out`);
      continue;
    }
    const started = performance.now();
    // Each on its own freshly seeded store, so that neither runs on the other's leftovers.
    const inProcess = await timedRun(engine, n, 0);
    const pooled = await timedRun(engine, n, undefined);
    const r = { inProcess, pooled, seconds: (performance.now() - started) / 1000 };
    const verdict = r.pooled >= TARGET[engine] ? 'met' : 'NOT MET';
    console.log(
      `  ${engine.padEnd(9)} pool ${r.pooled.toFixed(0).padStart(6)}/s (target ≥ ${TARGET[engine]}: ${verdict}), in-process ${r.inProcess.toFixed(0).padStart(6)}/s, ×${(r.pooled / r.inProcess).toFixed(2)}  [${r.seconds.toFixed(0)} s with seeding]`,
    );
    figures[engine] = {
      pooled_per_s: Math.round(r.pooled),
      in_process_per_s: Math.round(r.inProcess),
      target_per_s: TARGET[engine],
      speedup: Number((r.pooled / r.inProcess).toFixed(2)),
    };
  }
  figures.sqlite_synchronous = await synchronousCost(n);
  return figures;
}

/** What syncing every commit costs on SQLite, printed as FULL's rate over NORMAL's. */
async function synchronousCost(n: number): Promise<Record<string, unknown>> {
  console.log(
    `  sqlite durability: synchronous ${SQLITE_SYNCHRONOUS} (the service's: every answered commit on disk) against NORMAL (synced at checkpoints only)`,
  );
  const bulkNormal = await timedRun('sqlite', n, undefined, 'NORMAL');
  const bulkFull = await timedRun('sqlite', n, undefined, 'FULL');
  const single = await perTransaction();
  const bulkRatio = bulkFull / bulkNormal;
  const singleRatio = single.FULL / single.NORMAL;
  console.log(
    `    reissueAll (pool, batches of 500) FULL ${bulkFull.toFixed(0).padStart(6)}/s, NORMAL ${bulkNormal.toFixed(0).padStart(6)}/s: FULL ×${bulkRatio.toFixed(2)}`,
  );
  console.log(
    `    one credential a transaction      FULL ${single.FULL.toFixed(0).padStart(6)}/s, NORMAL ${single.NORMAL.toFixed(0).padStart(6)}/s: FULL ×${singleRatio.toFixed(2)}  (median of ${SYNC_ROUNDS} alternated rounds)`,
  );
  return {
    reissue_full_per_s: Math.round(bulkFull),
    reissue_normal_per_s: Math.round(bulkNormal),
    reissue_full_over_normal: Number(bulkRatio.toFixed(2)),
    single_full_per_s: Math.round(single.FULL),
    single_normal_per_s: Math.round(single.NORMAL),
    single_full_over_normal: Number(singleRatio.toFixed(2)),
  };
}
