import { randomBytes } from 'node:crypto';
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Insertable } from 'kysely';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { auditMany, type AuditEntry } from '../audit/audit-log.js';
import type { CredentialTable } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { credentialExpiry, signCredentialV2 } from '../sign-credential.js';
import type { IssuedCredentialV2 } from '../../shared/sd/credential-v2.js';
import {
  defaultPoolSize,
  openSignPool,
  toIssueRequest,
  type SignJob,
  type SignPool,
} from './internal/sign-pool.js';
import { unusableAt } from '../../shared/usability.js';
import { LIVE } from './internal/live.js';
import { refreshLive } from './credential-states.js';
import { credentialAudit, credentialRow, type NewCredential } from './internal/new-credential.js';

/** Options of {@link reissueAll}. */
export interface ReissueOptions {
  /** Credentials per transaction. Default 500. */
  readonly batchSize?: number;
  /** Who asked, for the audit log. Default `system`. */
  readonly actor?: string;
  /**
   * Worker threads that sign. Default: one a core less the main thread's
   * (`os.availableParallelism() - 1`, at least 1); 0 signs on the main thread, as does a signer
   * that is not backed by a key file.
   */
  readonly signThreads?: number;
  /**
   * At most this many credentials re-signed per second, on average since the start: after each
   * batch the run waits as long as it is ahead. Default: no limit.
   */
  readonly ratePerSecond?: number;
  /** Called (and awaited) after each batch commits, with the counts so far. */
  readonly onBatch?: (progress: ReissueCounts) => void | Promise<void>;
}

/** What {@link reissueAll} did. */
export interface ReissueCounts {
  /** Live credentials re-signed with the current key, as format version 2. */
  readonly reissued: number;
  /**
   * Live credentials left as they were: the licence is not usable now (its status list entry
   * already says so), the device was revoked, or the credential changed meanwhile (refreshed by
   * its driver, or its licence changed by the lifecycle).
   */
  readonly skipped: number;
  readonly batches: number;
}

const MAX_BATCH = 1000;
/** Credentials signed between two turns of the event loop (lets a PostgreSQL reply in). */
const SIGN_CHUNK = 64;

const ignore = (): undefined => undefined;

/** A batch as read: what to sign, and what to write once it is signed. */
interface ReadBatch {
  readonly jobs: SignJob[];
  /** Per job: the credential it replaces and the row's fields. */
  readonly meta: readonly {
    readonly old: string;
    readonly licenceNumber: string;
    readonly deviceId: number;
    readonly listId: number;
    readonly index: number;
    readonly expiresAt: number;
  }[];
  /** Seconds since the epoch, the batch's `iat`. */
  readonly now: number;
  readonly skipped: number;
  /** The keyset cursor: the last licence number read. */
  readonly last: string | undefined;
}

interface Prepared {
  /** The live credentials to replace, by jti. */
  readonly old: readonly string[];
  readonly rows: Insertable<CredentialTable>[];
  readonly audits: AuditEntry[];
  readonly maxExpiry: number;
  readonly skipped: number;
}

/**
 * Re-signs every live credential not yet signed by the current key (after a key rotation) or of
 * format version 1 (issued before version 2: no holder's copy), as format version 2 with a seed
 * of its own, in batches of `batchSize`, each batch one transaction: the new credential takes
 * the same status slot, device and licence data; the old one becomes `refreshed`. One key for
 * the whole run.
 *
 * When the current key is read from a file, worker threads sign, each opening the key file
 * itself; meanwhile the main thread reads the next batch and writes the one signed before: read,
 * sign and write run as a pipeline. A signer without a file (a KMS, an HSM), or
 * `signThreads: 0`, signs on the main thread, a chunk of requests at a time.
 *
 * Safe to run while the service issues: a credential that stopped being live between reading
 * and committing is left to whoever changed it. Safe to run again after a crash or a failure:
 * what committed is signed by the current key and is not picked up twice; a batch is written
 * whole once all of it is signed, or not at all.
 * @throws {RangeError} on a batch size outside 1-1000, a thread count outside 0-256 or a rate
 *   that is not a positive number.
 * @throws {SignPoolError} `ERR_SIGN_WORKER` when a worker cannot open the key file or fails on a
 *   batch; `ERR_SIGN_KEY_MISMATCH` when the key file no longer holds the current key. The
 *   batches committed before stay committed; the workers are stopped.
 */
export async function reissueAll(
  deps: ServiceDeps,
  options: ReissueOptions = {},
): Promise<ReissueCounts> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH)
    throw new RangeError(`batchSize: expected an integer 1-${MAX_BATCH}, found ${batchSize}`);
  const threads = options.signThreads ?? defaultPoolSize();
  if (!Number.isSafeInteger(threads) || threads < 0 || threads > 256)
    throw new RangeError(`signThreads: expected an integer 0-256, found ${threads}`);
  const rate = options.ratePerSecond;
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
    throw new RangeError(`ratePerSecond: expected a positive number, found ${rate}`);
  const actor = options.actor ?? 'system';
  const signer = deps.keys.current();
  const keyFile = deps.keys.currentKeyFile?.();
  const { publicUrl, credentialValidDays } = deps.config;
  const uris = new Map<number, string>();
  const uriOf = (listId: number) => {
    let uri = uris.get(listId);
    if (uri === undefined) {
      uri = deps.statusLists.uri(listId);
      uris.set(listId, uri);
    }
    return uri;
  };

  async function read(after: string | undefined): Promise<ReadBatch | undefined> {
    let query = deps.db.kysely
      .selectFrom('credentials as c')
      .innerJoin('licences as l', 'l.licence_number', 'c.licence_number')
      .innerJoin('devices as d', 'd.id', 'c.device_id')
      .select([
        'c.jti',
        'c.licence_number',
        'c.device_id',
        'c.list_id',
        'c.status_index',
        'l.record',
        'l.portrait_hash',
        'd.public_key',
        'd.revoked_at',
      ])
      .where('c.state', '=', LIVE)
      .where((eb) => eb.or([eb('c.kid', '!=', signer.kid), eb('c.holder_copy', 'is', null)]));
    // Keyset on the licence number: one live credential per licence (one_live_credential).
    if (after !== undefined) query = query.where('c.licence_number', '>', after);
    const found = await query.orderBy('c.licence_number').limit(batchSize).execute();
    if (found.length === 0) return undefined;

    const now = deps.now();
    const signedAt = new Date(now * 1000);
    const ids = randomBytes(12 * found.length);
    const jobs: SignJob[] = [];
    const meta: ReadBatch['meta'][number][] = [];
    let skipped = 0;
    found.forEach((r, i) => {
      const licence = parseLicenceRecord(JSON.parse(r.record));
      if (r.revoked_at !== null || unusableAt(licence, signedAt) !== undefined) {
        skipped++;
        return;
      }
      jobs.push({
        licence,
        holderKey: r.public_key,
        issuer: publicUrl,
        status: { idx: r.status_index, uri: uriOf(r.list_id) },
        ...(r.portrait_hash === null ? {} : { portraitHash: r.portrait_hash }),
        now: now * 1000,
        validDays: credentialValidDays,
        jti: ids.toString('base64url', i * 12, i * 12 + 12),
      });
      meta.push({
        old: r.jti,
        licenceNumber: r.licence_number,
        deviceId: r.device_id,
        listId: r.list_id,
        index: r.status_index,
        expiresAt: credentialExpiry(licence, now, credentialValidDays),
      });
    });
    return { jobs, meta, now, skipped, last: found.at(-1)?.licence_number };
  }

  // Signing on the main thread, a chunk at a time: a signer that works off the main thread (a
  // KMS, an HSM) signs a chunk in parallel; between chunks the other batches' database replies
  // get in.
  async function signInProcess(jobs: readonly SignJob[]): Promise<IssuedCredentialV2[]> {
    const credentials: IssuedCredentialV2[] = [];
    for (let from = 0; from < jobs.length; from += SIGN_CHUNK) {
      const chunk = jobs.slice(from, from + SIGN_CHUNK);
      credentials.push(
        ...(await Promise.all(chunk.map((j) => signCredentialV2(toIssueRequest(j), signer)))),
      );
      await yieldToEventLoop();
    }
    return credentials;
  }

  // The pool starts with the first batch that has something to sign.
  let pool: Promise<SignPool> | undefined;
  const sign =
    keyFile === undefined || threads === 0
      ? signInProcess
      : async (jobs: readonly SignJob[]) => {
          pool ??= openSignPool({ keyFile, kid: signer.kid, size: threads });
          return (await pool).sign(jobs);
        };

  async function signBatch(batch: ReadBatch): Promise<Prepared> {
    const credentials = batch.jobs.length === 0 ? [] : await sign(batch.jobs);
    const old: string[] = [];
    const rows: Insertable<CredentialTable>[] = [];
    const audits: AuditEntry[] = [];
    let maxExpiry = 0;
    batch.meta.forEach((m, i) => {
      const signed = credentials[i];
      const jti = batch.jobs[i]?.jti;
      if (signed === undefined || jti === undefined)
        throw new Error(`reissueAll: expected ${batch.jobs.length} credentials, found ${i}`);
      if (m.expiresAt > maxExpiry) maxExpiry = m.expiresAt;
      old.push(m.old);
      const created: NewCredential = {
        jti,
        licenceNumber: m.licenceNumber,
        deviceId: m.deviceId,
        slot: { listId: m.listId, index: m.index },
        kid: signer.kid,
        issuedAt: batch.now,
        expiresAt: m.expiresAt,
        credential: signed.credential,
        holderCopy: signed.holderCopy,
      };
      rows.push(credentialRow(created));
      audits.push(
        credentialAudit(created, { action: 'credential.reissue', actor, replaces: m.old }),
      );
    });
    return { old, rows, audits, maxExpiry, skipped: batch.skipped };
  }

  async function commit(batch: Prepared): Promise<{ reissued: number; skipped: number }> {
    if (batch.old.length === 0) return { reissued: 0, skipped: batch.skipped };
    return deps.db.kysely.transaction().execute(async (trx) => {
      // Only credentials still live are replaced; the others changed since they were read.
      const still = await refreshLive(trx, batch.old);
      let { rows, audits } = batch;
      if (still.length < batch.old.length) {
        const live = new Set(still);
        const keep = batch.old.map((jti) => live.has(jti));
        rows = rows.filter((_, i) => keep[i]);
        audits = audits.filter((_, i) => keep[i]);
      }
      if (rows.length > 0) {
        await trx.insertInto('credentials').values(rows).execute();
        await auditMany(trx, audits);
        await deps.keys.noteExpiry(signer.kid, batch.maxExpiry, trx);
      }
      return { reissued: rows.length, skipped: batch.skipped + batch.old.length - rows.length };
    });
  }

  let reissued = 0;
  let skipped = 0;
  let batches = 0;
  const started = performance.now();
  // The pipeline: batch N+1 is read and batch N-1 written while batch N is signed. A promise
  // left behind when a stage fails is awaited (and its error dropped) before returning, so that
  // nothing runs on once reissueAll has failed.
  let reading: Promise<ReadBatch | undefined> = read(undefined);
  let signing: Promise<Prepared> | undefined;
  try {
    for (;;) {
      const batch = await reading;
      const signed = signing;
      signing = undefined;
      if (batch !== undefined) {
        signing = signBatch(batch);
        reading = read(batch.last);
        // Each is awaited (and its error thrown) on a later turn; until then, a rejection must
        // not count as unhandled (which would end the process).
        signing.catch(ignore);
        reading.catch(ignore);
      }
      if (signed !== undefined) {
        const done = await commit(await signed);
        reissued += done.reissued;
        skipped += done.skipped;
        batches++;
        await options.onBatch?.({ reissued, skipped, batches });
        // Throttled: wait until the average since the start is back to the rate.
        if (rate !== undefined) {
          const ahead = started + (reissued / rate) * 1000 - performance.now();
          if (ahead > 0) await sleep(ahead);
        }
      }
      if (batch === undefined) break;
    }
  } finally {
    await Promise.allSettled([reading, signing]);
    if (pool !== undefined) await (await pool.catch(ignore))?.close();
  }
  return { reissued, skipped, batches };
}
