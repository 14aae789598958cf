import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { isLicenceError } from '../../shared/errors.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { lastIssuedAt } from './last-issued.js';
import { boundLicenceOf } from '../accounts/bound-licence.js';
import { audit } from '../audit/audit-log.js';
import type { Database } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { conflict, notFound, ServiceError } from '../service-error.js';
import { credentialExpiry, signCredentialV2 } from '../sign-credential.js';
import type { StatusSlot } from '../status/status-lists.js';
import { isUniqueViolation } from '../db/errors.js';
import { unusableAt } from '../../shared/usability.js';
import { LIVE } from './internal/live.js';
import { endSlot, heldSlot, refreshLive } from './credential-states.js';
import { credentialAudit, credentialRow, type NewCredential } from './internal/new-credential.js';
import { prepared } from '../db/prepared.js';

/** An issued credential and where its status lives. */
export interface IssuedCredential {
  /** The compact JWS of format version 2 (FORMAT.md §8.1). */
  readonly credential: string;
  /** The holder's copy: the JWS, the seed of its salts and its values (FORMAT.md §8.4). */
  readonly holderCopy: string;
  readonly jti: string;
  /** Its `exp`, seconds since the epoch. */
  readonly expiresAt: number;
  readonly listId: number;
  readonly index: number;
}

/** What a driver asks for. */
export interface IssueCredentialInput {
  readonly driverId: number;
  readonly deviceId: number;
  /**
   * Makes a retry safe: the same key from the same device returns the credential the first
   * request made, unchanged. 1-64 characters of A-Z a-z 0-9 - _ . : (any client-made id).
   */
  readonly idempotencyKey?: string;
}

/**
 * The outcome: the credential, and whether it is one signed earlier (an idempotent replay, or
 * the device's live credential, still current) rather than a new one.
 */
export type IssueOutcome = IssuedCredential & { readonly existing: boolean };

/**
 * An issued credential as its row in `credentials` holds it; undefined for a version 1
 * credential (issued before version 2), which has no holder's copy: the phone needs a new one.
 */
export function issuedOf(row: {
  readonly credential: string;
  readonly holder_copy: string | null;
  readonly jti: string;
  readonly expires_at: number;
  readonly list_id: number;
  readonly status_index: number;
}): IssuedCredential | undefined {
  if (row.holder_copy === null) return undefined;
  return {
    credential: row.credential,
    holderCopy: row.holder_copy,
    jti: row.jti,
    expiresAt: row.expires_at,
    listId: row.list_id,
    index: row.status_index,
  };
}

/** The form of an idempotency key. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Issues the e-licence of a driver's licence to one of the driver's devices, in one
 * transaction:
 *
 * 1. an idempotency key already used by this device returns that credential unchanged, with the
 *    same holder's copy; without a key, the device's live credential is returned unchanged
 *    while it is current (see {@link stillCurrent}): signing it again would change nothing a
 *    verifier reads. A version 1 credential (issued before version 2, no holder's copy) is
 *    never returned: the key is taken off it and a version 2 credential is signed as below;
 * 2. the driver's e-licence application must have been issued (docs/DOMAIN.md §1.3: a photo path
 *    and, for the stored photo, the real-person check come first), and the licence must be usable
 *    now (status A, under 12 points, valid today in China time);
 * 3. a live credential of the same device is refreshed: the new one takes its status slot;
 *    the slot of a live credential of another device ends as superseded (its entry set to 3,
 *    SUPERSEDED, every credential in it `superseded`: credential-states.ts) and the new one gets
 *    a new slot; with none, a new slot.
 *
 * The partial unique index `one_live_credential` keeps one live credential per licence even
 * when two requests race; the loser's transaction is retried once from the start.
 *
 * @throws {ServiceError} 404 `ERR_NOT_FOUND` when the device is not the driver's or is revoked;
 *   409 `ERR_APPLICATION_NOT_ISSUED` before the e-licence application is issued; 409
 *   `ERR_LICENCE_NOT_USABLE` (with `reason`: expired, suspended, revoked, …); 409
 *   `ERR_CONCURRENT_ISSUANCE` when a retry collides again.
 * @throws {RangeError} on an idempotency key of the wrong form.
 */
export async function issueCredential(
  deps: ServiceDeps,
  input: IssueCredentialInput,
): Promise<IssueOutcome> {
  if (input.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
    throw new RangeError(
      'idempotencyKey: expected 1-64 characters of A-Z a-z 0-9 - _ . :, found another value',
    );
  }
  if (input.idempotencyKey === undefined) {
    const current = await stillCurrent(deps, input);
    if (current !== undefined) return { ...current, existing: true };
  }
  const licenceNumber = await boundLicenceOf(deps.db.kysely, input.driverId);
  const attempt = () =>
    deps.db.kysely.transaction().execute((trx) => issueIn(deps, trx, input, licenceNumber));
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  // Another request committed first (a live credential or the same idempotency key): once more,
  // now seeing what it did.
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw conflict(
      'ERR_CONCURRENT_ISSUANCE',
      'credential: another issuance for this licence ran at the same time; try again',
    );
  }
}

/**
 * When an e-licence application is issued, in its transaction: the credential goes to the
 * driver's phone at once. After a photo change, the live credential (with the old portrait hash)
 * is superseded in the status list and its device gets one with the new hash; with no live
 * credential, the driver's newest registered device gets its first. With no device registered
 * yet, nothing happens: the app asks once it has one (POST /api/me/devices/:id/credential). The
 * app fetches the credential with GET /api/me/credential. A licence no longer usable gets no
 * credential here (the application stands issued; the credential request then says why).
 */
export async function issueOnApplication(
  deps: ServiceDeps,
  trx: Transaction<Database>,
  issue: { readonly driverId: number; readonly licenceNumber: string; readonly actor: string },
): Promise<IssuedCredential | undefined> {
  const live = await heldSlot(trx, issue.licenceNumber);
  const deviceId =
    live?.deviceId ??
    (
      await trx
        .selectFrom('devices')
        .select('id')
        .where('driver_id', '=', issue.driverId)
        .where('revoked_at', 'is', null)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
    )?.id;
  if (deviceId === undefined) return undefined;
  let issued: IssueOutcome;
  try {
    issued = await issueIn(deps, trx, { driverId: issue.driverId, deviceId }, issue.licenceNumber, {
      supersedeLive: live !== undefined,
      actor: issue.actor,
    });
  } catch (error) {
    // The licence stopped being usable meanwhile (suspended during the real-person check): the
    // application is still issued, and the app's request for the credential gets the reason.
    // Only the licence row's lock came before this refusal, so the transaction goes on.
    if (error instanceof ServiceError && error.code === 'ERR_LICENCE_NOT_USABLE') return undefined;
    throw error;
  }
  return {
    credential: issued.credential,
    holderCopy: issued.holderCopy,
    jti: issued.jti,
    expiresAt: issued.expiresAt,
    listId: issued.listId,
    index: issued.index,
  };
}

async function issueIn(
  deps: ServiceDeps,
  trx: Transaction<Database>,
  input: IssueCredentialInput,
  licenceNumber: string,
  options: {
    /** Supersede the live credential even on the same device (its portrait changed). */
    readonly supersedeLive?: boolean;
    readonly actor?: string;
  } = {},
): Promise<IssueOutcome> {
  // Lock the licence first, so that issuances of one licence, and a lifecycle change of it
  // (which updates this row), take turns. PostgreSQL: FOR NO KEY UPDATE, the lock an UPDATE of
  // the row takes, which leaves inserts that merely reference the licence free. SQLite: the
  // transaction holds the database's write lock from its start (BEGIN IMMEDIATE, database.ts).
  if (deps.db.engine === 'postgres') {
    await trx
      .selectFrom('licences')
      .select(['licence_number'])
      .where('licence_number', '=', licenceNumber)
      .forNoKeyUpdate()
      .execute();
  }

  const device = await trx
    .selectFrom('devices')
    .select(['id', 'public_key'])
    .where('id', '=', input.deviceId)
    .where('driver_id', '=', input.driverId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (device === undefined) throw notFound('device');

  if ((await lastIssuedAt(trx, input.driverId)) === undefined)
    throw conflict(
      'ERR_APPLICATION_NOT_ISSUED',
      'credential: expected an issued e-licence application, found none; apply first (POST /api/me/application)',
    );

  if (input.idempotencyKey !== undefined) {
    const earlier = await trx
      .selectFrom('credentials')
      .select(['credential', 'holder_copy', 'jti', 'expires_at', 'list_id', 'status_index'])
      .where('device_id', '=', input.deviceId)
      .where('idempotency_key', '=', input.idempotencyKey)
      .executeTakeFirst();
    const replay = earlier === undefined ? undefined : issuedOf(earlier);
    if (replay !== undefined) return { ...replay, existing: true };
    if (earlier !== undefined) {
      // A version 1 credential made under this key before version 2: the phone cannot present
      // from it. The key moves to the version 2 credential signed now.
      await trx
        .updateTable('credentials')
        .set({ idempotency_key: null })
        .where('jti', '=', earlier.jti)
        .execute();
    }
  }

  const row = await trx
    .selectFrom('licences')
    .select(['record', 'portrait_hash'])
    .where('licence_number', '=', licenceNumber)
    .executeTakeFirst();
  if (row === undefined) throw notFound('licence');
  const licence = parseLicenceRecord(JSON.parse(row.record));
  const now = deps.now();
  const signedAt = new Date(now * 1000);
  const refusal = unusableAt(licence, signedAt);
  if (refusal !== undefined) throw notUsable(refusal.reason, refusal.message);

  const live = await heldSlot(trx, licenceNumber);
  let slot: StatusSlot;
  let mode: 'new' | 'refresh' | 'supersede';
  if (live !== undefined && live.deviceId === input.deviceId && options.supersedeLive !== true) {
    // Same device: the new credential takes over the old one's slot.
    mode = 'refresh';
    slot = { listId: live.listId, index: live.index };
    await refreshLive(trx, [live.jti]);
  } else if (live !== undefined) {
    // Another device, or a new portrait: the old slot ends, every credential in it superseded.
    mode = 'supersede';
    await endSlot(deps, trx, live, 'supersede');
    slot = await deps.statusLists.allocate(trx);
  } else {
    mode = 'new';
    slot = await deps.statusLists.allocate(trx);
  }

  const signer = deps.keys.current();
  const jti = randomBytes(12).toString('base64url');
  let signed: { readonly credential: string; readonly holderCopy: string };
  try {
    // The seed of the salts: 16 bytes from the CSPRNG, new for this credential.
    signed = await signCredentialV2(
      {
        licence,
        holderKey: device.public_key,
        issuer: deps.config.publicUrl,
        status: { idx: slot.index, uri: deps.statusLists.uri(slot.listId) },
        ...(row.portrait_hash === null ? {} : { portraitHash: row.portrait_hash }),
        now: signedAt,
        validDays: deps.config.credentialValidDays,
        jti,
      },
      signer,
    );
  } catch (error) {
    // The checks above are signCredentialV2's own; this is the backstop should they drift.
    if (isLicenceError(error, 'ERR_LICENCE_INVALID')) throw notUsable('not-normal', error.message);
    throw error;
  }
  const expiresAt = credentialExpiry(licence, now, deps.config.credentialValidDays);
  const created: NewCredential = {
    jti,
    licenceNumber,
    deviceId: input.deviceId,
    slot,
    kid: signer.kid,
    issuedAt: now,
    expiresAt,
    credential: signed.credential,
    holderCopy: signed.holderCopy,
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
  };
  await trx.insertInto('credentials').values(credentialRow(created)).execute();
  await deps.keys.noteExpiry(signer.kid, expiresAt, trx);
  await audit(
    trx,
    credentialAudit(created, {
      action: 'credential.issue',
      actor: options.actor ?? `driver:${input.driverId}`,
      ...(live === undefined ? {} : { replaces: live.jti }),
      mode,
    }),
  );
  return {
    credential: signed.credential,
    holderCopy: signed.holderCopy,
    jti,
    expiresAt,
    listId: slot.listId,
    index: slot.index,
    existing: false,
  };
}

/**
 * The device's live credential and when its licence last changed, if the device is the driver's
 * and not revoked.
 */
const currentOfDevice = prepared(
  ['driverId', 'deviceId'],
  (db: Kysely<Database>, input: { driverId: number; deviceId: number }) =>
    db
      .selectFrom('drivers as dr')
      .innerJoin('credentials as c', 'c.licence_number', 'dr.licence_number')
      .innerJoin('devices as d', 'd.id', 'c.device_id')
      .innerJoin('licences as l', 'l.licence_number', 'c.licence_number')
      .select([
        'c.credential',
        'c.holder_copy',
        'c.jti',
        'c.expires_at',
        'c.list_id',
        'c.status_index',
        'c.kid',
        'c.issued_at',
        'l.updated_at',
      ])
      .where('dr.id', '=', input.driverId)
      .where('c.state', '=', LIVE)
      .where('c.device_id', '=', input.deviceId)
      .where('d.driver_id', '=', input.driverId)
      .where('d.revoked_at', 'is', null),
);

/**
 * The device's live credential, if it is current: signed by the signing key of now, after the
 * licence's last change (its record — status, points, dates — or its portrait: `updated_at`,
 * compared strictly, so a change in the same second counts), less than
 * `credentialRefreshAfter` seconds ago, and not expired. Anything else goes to the transaction,
 * which signs again or refuses with the reason. Read outside a transaction: a change that
 * commits meanwhile is in the status list verifiers read, and its `updated_at` makes the next
 * refresh sign again.
 *
 * A version 1 credential (no holder's copy) is never current: the transaction signs a version 2
 * one in its slot.
 *
 * The licence is still usable: nothing signs for an unusable one (signCredentialV2 refuses, and
 * issuance and re-issue check first), the record is the one it was signed from, a valid-from
 * date once reached stays reached, and `exp` ends at the licence's last valid day (and before
 * an age flag would change).
 */
async function stillCurrent(
  deps: ServiceDeps,
  input: IssueCredentialInput,
): Promise<IssuedCredential | undefined> {
  const [row] = await currentOfDevice(deps.db.kysely, input);
  if (row === undefined) return undefined;
  const now = deps.now();
  if (
    row.kid !== deps.keys.current().kid ||
    row.issued_at <= row.updated_at ||
    now - row.issued_at >= deps.config.credentialRefreshAfter ||
    now >= row.expires_at
  ) {
    return undefined;
  }
  return issuedOf(row);
}

const notUsable = (reason: string, message: string) =>
  conflict('ERR_LICENCE_NOT_USABLE', `no e-licence now: ${message}`, { reason });
