import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Insertable } from 'kysely';
import { parseLicenceRecord } from '../../shared/licence.js';
import type { AuditTable, CredentialTable } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { signCredential } from '../sign-credential.js';
import { credentialExpiry } from './internal/expiry.js';
import { unusable } from './internal/usability.js';

/** Options of {@link reissueAll}. */
export interface ReissueOptions {
  /** Credentials per transaction. Default 500. */
  readonly batchSize?: number;
  /** Who asked, for the audit log. Default `system`. */
  readonly actor?: string;
}

/** What {@link reissueAll} did. */
export interface ReissueCounts {
  /** Live credentials re-signed with the current key. */
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

interface Prepared {
  /** The live credentials to replace, by jti. */
  readonly old: readonly string[];
  readonly rows: Insertable<CredentialTable>[];
  readonly audits: Insertable<AuditTable>[];
  readonly maxExpiry: number;
  readonly skipped: number;
  /** The keyset cursor: the last licence number read. */
  readonly last: string | undefined;
}

/**
 * Re-signs every live credential not yet signed by the current key (after a key rotation), in
 * batches of `batchSize`, each batch one transaction: the new credential takes the same status
 * slot, device and licence data; the old one becomes `refreshed`. One signer for the whole run;
 * while one batch commits, the next is read and signed (on PostgreSQL the two overlap).
 *
 * Safe to run while the service issues: a credential that stopped being live between reading
 * and committing is left to whoever changed it. Safe to run again after a crash: what
 * committed is signed by the current key and is not picked up twice.
 * @throws {RangeError} on a batch size outside 1-1000.
 */
export async function reissueAll(
  deps: ServiceDeps,
  options: ReissueOptions = {},
): Promise<ReissueCounts> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH)
    throw new RangeError(`batchSize: expected an integer 1-${MAX_BATCH}, found ${batchSize}`);
  const actor = options.actor ?? 'system';
  const signer = deps.keys.current();
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

  async function prepare(after: string | undefined): Promise<Prepared | undefined> {
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
      .where('c.state', '=', 'live')
      .where('c.kid', '!=', signer.kid);
    // Keyset on the licence number: one live credential per licence (one_live_credential).
    if (after !== undefined) query = query.where('c.licence_number', '>', after);
    const found = await query.orderBy('c.licence_number').limit(batchSize).execute();
    if (found.length === 0) return undefined;

    const now = deps.now();
    const signedAt = new Date(now * 1000);
    const ids = randomBytes(12 * found.length);
    const old: string[] = [];
    const rows: Insertable<CredentialTable>[] = [];
    const audits: Insertable<AuditTable>[] = [];
    let maxExpiry = 0;
    let skipped = 0;
    for (let from = 0; from < found.length; from += SIGN_CHUNK) {
      // A chunk is signed concurrently: a signer that works off the main thread (a KMS, an HSM,
      // a thread pool) signs in parallel; the synchronous one is no slower for it.
      const chunk = found.slice(from, from + SIGN_CHUNK).flatMap((r, k) => {
        const licence = parseLicenceRecord(JSON.parse(r.record));
        if (r.revoked_at !== null || unusable(licence, signedAt) !== undefined) {
          skipped++;
          return [];
        }
        const i = from + k;
        const jti = ids.toString('base64url', i * 12, i * 12 + 12);
        const signed = signCredential(
          {
            licence,
            holderKey: r.public_key,
            issuer: publicUrl,
            status: { idx: r.status_index, uri: uriOf(r.list_id) },
            ...(r.portrait_hash === null ? {} : { portraitHash: r.portrait_hash }),
            now: signedAt,
            validDays: credentialValidDays,
            jti,
          },
          signer,
        );
        return [{ r, licence, jti, signed }];
      });
      const signed = await Promise.all(
        chunk.map(async (c) => ({ ...c, credential: await c.signed })),
      );
      for (const { r, licence, jti, credential } of signed) {
        const expiresAt = credentialExpiry(licence, now, credentialValidDays);
        if (expiresAt > maxExpiry) maxExpiry = expiresAt;
        old.push(r.jti);
        rows.push({
          jti,
          licence_number: r.licence_number,
          device_id: r.device_id,
          list_id: r.list_id,
          status_index: r.status_index,
          kid: signer.kid,
          issued_at: now,
          expires_at: expiresAt,
          state: 'live',
          idempotency_key: null,
          credential,
        });
        audits.push({
          at: now,
          actor,
          action: 'credential.reissue',
          subject: r.licence_number,
          before: JSON.stringify({ jti: r.jti }),
          after: JSON.stringify({ jti, listId: r.list_id, index: r.status_index, kid: signer.kid }),
        });
      }
      // Let the other batch's database replies in between chunks.
      await yieldToEventLoop();
    }
    return { old, rows, audits, maxExpiry, skipped, last: found.at(-1)?.licence_number };
  }

  async function commit(batch: Prepared): Promise<{ reissued: number; skipped: number }> {
    if (batch.old.length === 0) return { reissued: 0, skipped: batch.skipped };
    return deps.db.kysely.transaction().execute(async (trx) => {
      // The write comes first (SQLite: it takes the write lock at once). Only credentials
      // still live are replaced; the others changed since they were read.
      const still = await trx
        .updateTable('credentials')
        .set({ state: 'refreshed' })
        .where('jti', 'in', batch.old)
        .where('state', '=', 'live')
        .returning('jti')
        .execute();
      let { rows, audits } = batch;
      if (still.length < batch.old.length) {
        const live = new Set(still.map((r) => r.jti));
        const keep = batch.old.map((jti) => live.has(jti));
        rows = rows.filter((_, i) => keep[i]);
        audits = audits.filter((_, i) => keep[i]);
      }
      if (rows.length > 0) {
        await trx.insertInto('credentials').values(rows).execute();
        await trx.insertInto('audit_log').values(audits).execute();
        await deps.keys.noteExpiry(signer.kid, batch.maxExpiry, trx);
      }
      return { reissued: rows.length, skipped: batch.skipped + batch.old.length - rows.length };
    });
  }

  let reissued = 0;
  let skipped = 0;
  let batches = 0;
  let next = prepare(undefined);
  for (;;) {
    const batch = await next;
    if (batch === undefined) break;
    // Read and sign the next batch while this one commits.
    next = prepare(batch.last);
    // A rejected prefetch is awaited (and thrown) on the next turn; do not let it go unhandled
    // meanwhile if this commit fails first.
    void next.catch(() => undefined);
    const done = await commit(batch);
    reissued += done.reissued;
    skipped += done.skipped;
    batches++;
  }
  return { reissued, skipped, batches };
}
