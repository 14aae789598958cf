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
  | { readonly status: 404; readonly code: 'ERR_PORTRAIT_NOT_FOUND' };

/**
 * Releases the portrait of the licence a driver is presenting, to a registered police verifier
 * device. The presentation is the consent: it is verified as any verifier would verify it —
 * issuer signature against the service's own current keys, holder proof no older than the
 * verifier's window (60 s and 10 s of tolerance), the credential's time, its entry in the
 * service's own signed status list (suspended, revoked or superseded is refused), the licence's
 * status and dates — at the service's clock, with warnings counted as failures. Then the
 * portrait whose SHA-256 is the credential's `ph` is answered; the current portrait of the
 * licence only, so a credential issued before a photo change finds none.
 *
 * Every outcome is audited: actor the device, subject the licence number (or the device, when
 * the presentation names no licence), the outcome and its code. Never the photo.
 * @throws {ServiceError} 403 ERR_PRESENTATION_NOT_VALID with `verdict` (the verifier's code);
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
  const licenceNumber = report.licence?.licenceNumber;
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

  if (!report.valid || licenceNumber === undefined) {
    const verdict: VerdictCode | 'ERR_MALFORMED' = report.code ?? 'ERR_MALFORMED';
    await record('refused', verdict);
    throw refusal({ status: 403, code: 'ERR_PRESENTATION_NOT_VALID', verdict });
  }
  const ph = report.credential?.portraitHash;
  const portrait = await deps.db.kysely
    .selectFrom('portraits')
    .select(['photo', 'hash'])
    .where('licence_number', '=', licenceNumber)
    .executeTakeFirst();
  if (ph === undefined || portrait?.hash !== ph) {
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
  return why.status === 403
    ? new ServiceError(403, why.code, `presentation: expected a valid one, found ${why.verdict}`, {
        verdict: why.verdict,
      })
    : new ServiceError(
        404,
        why.code,
        "portrait: expected one whose SHA-256 is the credential's ph, found none (no portrait, or the photo changed since the credential was issued)",
      );
}
