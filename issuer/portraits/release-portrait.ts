import { RequestError, verifyRequest } from '../../shared/request/request.js';
import type { Role } from '../../shared/request/roles.js';
import { GROUP_NAMES, type GroupIndex } from '../../shared/sd/groups.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import type { VerdictCode, VerificationReport } from '../../verifier/report.js';
import type { VerifierRequest } from '../../verifier/verify-presentation.js';
import { createTrustStore, type TrustStore } from '../../verifier/trust-store.js';
import { verifyPresentation } from '../../verifier/verify-presentation.js';
import { verifyStatusList, type VerifiedStatusList } from '../../verifier/verify-status-list.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../service-error.js';
import { mayOf } from '../verifier-devices/register-verifier-device.js';

/** The largest presentation read: a dynamic QR holds far less (FORMAT.md). */
export const MAX_PRESENTATION_LENGTH = 4096;
/** The largest verifier request read: one is under 1 000 characters (FORMAT.md §9). */
export const MAX_REQUEST_LENGTH = 2048;

/** The group that holds the name and the portrait hash `ph`. */
const HOLDER_GROUP = GROUP_NAMES.indexOf('holder') as GroupIndex;

/** What a refusal of the portrait is, for the answer and the audit log. */
type Refusal =
  | { readonly status: 403; readonly code: 'ERR_PORTRAIT_BEYOND_ROLE'; readonly role: Role }
  | { readonly status: 403; readonly code: 'ERR_REQUEST_NOT_VALID'; readonly verdict: string }
  | { readonly status: 403; readonly code: 'ERR_PRESENTATION_NOT_VALID'; readonly verdict: string }
  | { readonly status: 403; readonly code: 'ERR_PORTRAIT_NOT_DISCLOSED' }
  | { readonly status: 404; readonly code: 'ERR_PORTRAIT_NOT_FOUND' };

/**
 * Releases the portrait of the licence a driver is presenting, to a registered verifier device
 * whose role may see the holder (police, rental, insurance, employer; an age check may not, nor a
 * device an admin registered without the holder group). The presentation is the consent: it is
 * verified as any verifier would verify it — issuer signature against the service's own current keys, holder proof no older than the
 * verifier's window (60 s and 10 s of tolerance), the credential's time, its entry in the
 * service's own signed status list (suspended, revoked or superseded is refused), the licence's
 * status and dates when shown — at the service's clock, with warnings counted as failures.
 * The portrait is released only when the presentation showed it: a version 2 presentation
 * (FORMAT.md §8.8) must disclose the `holder` group (name and portrait hash `ph`), as one for
 * the police, a rental desk, an insurer or an employer does; an age check or a custom choice
 * without it is refused. A version 1 presentation shows everything. Then the portrait whose
 * SHA-256 is `ph` is answered; the current portrait of the licence only, so a credential issued
 * before a photo change finds none. The licence is the one the credential was issued for (its
 * `jti` in the service's own records), since a version 2 presentation may not show the licence
 * number.
 *
 * A code that answers a device's request (FORMAT.md §9.5) names that device and the request's
 * nonce in its proof, so it verifies only with the request: `request` is the request's QR text
 * as the device showed it. It must verify (its certificate signed by this service, the device's
 * signature, at most 5 minutes old) and be this device's own (its certificate names the device's
 * status entry, which every certificate of the device shares); the answer must then name its
 * certificate and carry its nonce. Whether the answer was accepted before is the device's to know.
 *
 * Every outcome is audited: actor the device, subject the licence number (or the device, when
 * the presentation names no credential of this service), the outcome and its code. Never the
 * photo.
 * @throws {ServiceError} 403 ERR_PORTRAIT_BEYOND_ROLE when the device's role may not see the
 *   holder; 403 ERR_REQUEST_NOT_VALID with `verdict` (the request's code, or ERR_WRONG_VERIFIER
 *   for another device's request);
 *   403 ERR_PRESENTATION_NOT_VALID with `verdict` (the verifier's code);
 *   403 ERR_PORTRAIT_NOT_DISCLOSED when the presentation did not disclose the holder group;
 *   404 ERR_PORTRAIT_NOT_FOUND when the credential carries no `ph` or the licence's portrait has
 *   another hash.
 */
export async function releasePortrait(
  deps: Pick<ServiceDeps, 'db' | 'keys' | 'statusLists' | 'verifierStatusLists' | 'config' | 'now'>,
  deviceId: number,
  presentation: string,
  requestText?: string,
): Promise<{ photo: Uint8Array }> {
  const now = deps.now();
  const at = new Date(now * 1000);
  const device = await deps.db.kysely
    .selectFrom('verifier_devices')
    .select(['role', 'may', 'status_list_id', 'status_index'])
    .where('id', '=', deviceId)
    .executeTakeFirstOrThrow();
  const role = device.role as Role;
  /** A refusal before any licence is known, audited against the device. */
  const refusedDevice = (code: string) =>
    audit(deps.db.kysely, {
      actor: `verifier-device:${deviceId}`,
      action: 'portrait.access',
      subject: `verifier-device:${deviceId}`,
      after: { outcome: 'refused', code },
      at: now,
    });
  // What the device's role may not ask a phone for, the authority does not hand it either.
  if (!mayOf(role, device.may).includes(HOLDER_GROUP)) {
    await refusedDevice('ERR_PORTRAIT_BEYOND_ROLE');
    throw refusal({ status: 403, code: 'ERR_PORTRAIT_BEYOND_ROLE', role });
  }
  const trust = createTrustStore([await deps.keys.jwks(now)], nodeBackend);
  let request: VerifierRequest | undefined;
  if (requestText !== undefined) {
    const own =
      device.status_list_id === null || device.status_index === null
        ? undefined
        : { uri: deps.verifierStatusLists.uri(device.status_list_id), idx: device.status_index };
    const checked = ownRequest(requestText, { keys: trust, now: at }, own);
    if (typeof checked === 'string') {
      await refusedDevice(checked);
      throw refusal({ status: 403, code: 'ERR_REQUEST_NOT_VALID', verdict: checked });
    }
    request = checked;
  }
  const options = {
    trust,
    now: at,
    issuer: deps.config.publicUrl,
    ...(request === undefined ? {} : { request }),
  } as const;

  // First without status lists, to learn (from a signed credential only) which list to read.
  const first = verifyPresentation(presentation, options);
  let report: VerificationReport = first;
  if (first.valid) {
    const statusLists = await ownStatusList(deps, trust, first.credential?.status.uri);
    // Strict: an unchecked or stale status is a failure here, not a warning.
    report = verifyPresentation(presentation, { ...options, statusLists, strict: true });
  }
  // The credential's licence, from the service's own records: its signature passed, so its jti
  // is one this service issued.
  const jti = report.credential?.jti;
  const issued =
    jti === undefined
      ? undefined
      : await deps.db.kysely
          .selectFrom('credentials')
          .select('licence_number')
          .where('jti', '=', jti)
          .executeTakeFirst();
  const licenceNumber = issued?.licence_number ?? report.licence?.licenceNumber;
  const subject = licenceNumber ?? `verifier-device:${deviceId}`;
  const record = (outcome: 'granted' | 'refused', code?: string) =>
    audit(deps.db.kysely, {
      actor: `verifier-device:${deviceId}`,
      action: 'portrait.access',
      subject,
      after: {
        outcome,
        ...(code === undefined ? {} : { code }),
        ...(report.credential === undefined ? {} : { jti: report.credential.jti }),
      },
      at: now,
    });

  if (!report.valid) {
    const verdict: VerdictCode | 'ERR_MALFORMED' = report.code ?? 'ERR_MALFORMED';
    await record('refused', verdict);
    throw refusal({ status: 403, code: 'ERR_PRESENTATION_NOT_VALID', verdict });
  }
  // Version 1 shows every group; version 2 the purpose's own.
  if (report.disclosure !== undefined && !report.disclosure.disclosed.includes('holder')) {
    await record('refused', 'ERR_PORTRAIT_NOT_DISCLOSED');
    throw refusal({ status: 403, code: 'ERR_PORTRAIT_NOT_DISCLOSED' });
  }
  const ph = report.credential?.portraitHash;
  const portrait =
    licenceNumber === undefined
      ? undefined
      : await deps.db.kysely
          .selectFrom('portraits')
          .select(['photo', 'hash'])
          .where('licence_number', '=', licenceNumber)
          .executeTakeFirst();
  if (portrait === undefined || ph === undefined || portrait.hash !== ph) {
    await record('refused', 'ERR_PORTRAIT_NOT_FOUND');
    throw refusal({ status: 404, code: 'ERR_PORTRAIT_NOT_FOUND' });
  }
  await record('granted');
  return { photo: portrait.photo };
}

/**
 * The service's own signed status list named by `uri`, verified with the same keys as the
 * credential: exactly what a verifier would fetch from /status/<id>. Empty when the URI is not
 * one of this service's lists (the strict verification then fails on the unchecked status).
 */
async function ownStatusList(
  deps: Pick<ServiceDeps, 'statusLists' | 'config'>,
  trust: TrustStore,
  uri: string | undefined,
): Promise<Map<string, VerifiedStatusList>> {
  const lists = new Map<string, VerifiedStatusList>();
  const prefix = `${deps.config.publicUrl}/status/`;
  const id = uri?.startsWith(prefix) === true ? uri.slice(prefix.length) : '';
  if (!/^[1-9]\d{0,8}$/.test(id)) return lists;
  const signed = await deps.statusLists.token(Number(id));
  if (signed === undefined) return lists;
  const list = verifyStatusList(signed.token, trust);
  lists.set(list.uri, list);
  return lists;
}

/**
 * The request `text` as a verifier checks an answer against it, when it verifies and is the
 * device's own (its certificate names the device's status entry `own`); else the code why not.
 */
function ownRequest(
  text: string,
  options: Parameters<typeof verifyRequest>[1],
  own: { readonly uri: string; readonly idx: number } | undefined,
): VerifierRequest | string {
  let verified;
  try {
    verified = verifyRequest(text, options);
  } catch (error) {
    if (error instanceof RequestError) return error.code;
    throw error;
  }
  const { status } = verified.certificate;
  if (own === undefined || status.uri !== own.uri || status.idx !== own.idx)
    return 'ERR_WRONG_VERIFIER';
  return { audience: verified.audience, nonce: verified.nonce, iat: verified.iat };
}

function refusal(why: Refusal): ServiceError {
  if (why.code === 'ERR_PORTRAIT_BEYOND_ROLE')
    return new ServiceError(
      403,
      why.code,
      `device: expected one whose role may see the holder (name and portrait), found a ${why.role} device that may not`,
    );
  if (why.code === 'ERR_REQUEST_NOT_VALID')
    return new ServiceError(
      403,
      why.code,
      `request: expected the valid request this device showed, found ${why.verdict}`,
      { verdict: why.verdict },
    );
  if (why.code === 'ERR_PORTRAIT_NOT_DISCLOSED')
    return new ServiceError(
      403,
      why.code,
      'presentation: expected one that shows the holder (name and portrait), as one for the police, a rental, an insurer or an employer does; found one that withholds it, so the portrait stays withheld',
    );
  return why.code === 'ERR_PRESENTATION_NOT_VALID'
    ? new ServiceError(403, why.code, `presentation: expected a valid one, found ${why.verdict}`, {
        verdict: why.verdict,
      })
    : new ServiceError(
        404,
        why.code,
        "portrait: expected one whose SHA-256 is the credential's ph, found none (no portrait, or the photo changed since the credential was issued)",
      );
}
