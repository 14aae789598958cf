import { nodeBackend } from '../../verifier/backends/node.js';
import type { VerdictCode, VerificationReport } from '../../verifier/report.js';
import { createTrustStore, type TrustStore } from '../../verifier/trust-store.js';
import { verifyPresentation } from '../../verifier/verify-presentation.js';
import { verifyStatusList, type VerifiedStatusList } from '../../verifier/verify-status-list.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../service-error.js';

/** The largest presentation read: a dynamic QR holds far less (FORMAT.md). */
export const MAX_PRESENTATION_LENGTH = 4096;

/** What a refusal of the portrait is, for the answer and the audit log. */
type Refusal =
  | { readonly status: 403; readonly code: 'ERR_PRESENTATION_NOT_VALID'; readonly verdict: string }
  | { readonly status: 403; readonly code: 'ERR_PORTRAIT_NOT_DISCLOSED' }
  | { readonly status: 404; readonly code: 'ERR_PORTRAIT_NOT_FOUND' };

/**
 * Releases the portrait of the licence a driver is presenting, to a registered police verifier
 * device. The presentation is the consent: it is verified as any verifier would verify it —
 * issuer signature against the service's own current keys, holder proof no older than the
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
 * Every outcome is audited: actor the device, subject the licence number (or the device, when
 * the presentation names no credential of this service), the outcome and its code. Never the
 * photo.
 * @throws {ServiceError} 403 ERR_PRESENTATION_NOT_VALID with `verdict` (the verifier's code);
 *   403 ERR_PORTRAIT_NOT_DISCLOSED when the presentation did not disclose the holder group;
 *   404 ERR_PORTRAIT_NOT_FOUND when the credential carries no `ph` or the licence's portrait has
 *   another hash.
 */
export async function releasePortrait(
  deps: Pick<ServiceDeps, 'db' | 'keys' | 'statusLists' | 'config' | 'now'>,
  deviceId: number,
  presentation: string,
): Promise<{ photo: Uint8Array }> {
  const now = deps.now();
  const at = new Date(now * 1000);
  const trust = createTrustStore([await deps.keys.jwks(now)], nodeBackend);
  const options = { trust, now: at, issuer: deps.config.publicUrl } as const;

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

function refusal(why: Refusal): ServiceError {
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
