import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import type { IdentityCheckPurpose, IdentityCheckResult } from '../application/identity-check.js';
import { audit } from '../audit/audit-log.js';
import type { Database } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../service-error.js';

/** A failed real-person check's answer, by outcome (binding, recovery, a new phone). */
export function identityCheckFailed(
  result: Exclude<IdentityCheckResult, { outcome: 'match' }>,
): ServiceError {
  switch (result.outcome) {
    case 'mismatch':
      return new ServiceError(
        422,
        'ERR_IDENTITY_MISMATCH',
        'the selfie does not match the identity photo of this licence holder; nothing was changed',
      );
    case 'liveness_failed':
      return new ServiceError(
        422,
        'ERR_LIVENESS_FAILED',
        'the liveness check failed: take the selfie again, live, in good light; nothing was changed',
      );
    case 'unavailable':
      return new ServiceError(
        503,
        'ERR_IDENTITY_UNAVAILABLE',
        'the real-person check cannot be reached now; try again in a few minutes',
      );
  }
}

/** What an account's real-person check is for, and how a failure is recorded. */
export interface RealPersonCheck {
  readonly driverId: number;
  readonly licenceNumber: string;
  /** The licence record (JSON, as the registry holds it): the name sent is the registry's. */
  readonly record: string;
  readonly selfie: Uint8Array;
  readonly purpose: IdentityCheckPurpose;
  /** The audit action and subject of a failure. */
  readonly failure: { readonly action: string; readonly subject: string };
}

/**
 * Runs one real-person check for an account. A failure is audited (the outcome and request id:
 * never the selfie, never a score) and thrown in words.
 * @throws {ServiceError} 422 ERR_IDENTITY_MISMATCH / ERR_LIVENESS_FAILED; 503
 *   ERR_IDENTITY_UNAVAILABLE.
 */
export async function checkRealPerson(
  deps: Pick<ServiceDeps, 'db' | 'identityCheck' | 'now'>,
  check: RealPersonCheck,
): Promise<{ requestId: string; providerRef: string; score: number }> {
  const requestId = `${check.purpose}-${randomUUID()}`;
  const result = await deps.identityCheck.verify({
    licenceNumber: check.licenceNumber,
    name: parseLicenceRecord(JSON.parse(check.record)).name,
    selfie: check.selfie,
    requestId,
    purpose: check.purpose,
  });
  if (result.outcome === 'match')
    return { requestId, providerRef: result.providerRef, score: result.score };
  await audit(deps.db.kysely, {
    actor: `driver:${check.driverId}`,
    action: check.failure.action,
    subject: check.failure.subject,
    after: {
      outcome: result.outcome,
      requestId,
      ...(result.outcome === 'unavailable' ? { reason: result.reason } : {}),
    },
    at: deps.now(),
  });
  throw identityCheckFailed(result);
}

/** Ends every session of a driver's account, in the caller's transaction. */
export async function endDriverSessions(
  trx: Transaction<Database>,
  driverId: number,
): Promise<void> {
  await trx
    .deleteFrom('sessions')
    .where('subject', '=', 'driver')
    .where('subject_id', '=', driverId)
    .execute();
}
