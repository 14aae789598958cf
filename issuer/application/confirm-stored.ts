import { randomUUID } from 'node:crypto';
import { issueOnApplication } from '../credentials/issue-credential.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { identityCheckFailed } from '../accounts/real-person-check.js';
import type { IdentityCheckResult } from './identity-check.js';
import { assertUsable, licenceOfDriver } from './internal/licence-of.js';
import { latestApplication } from './internal/latest-application.js';
import { pushIssued, recordIssue } from './internal/record-issue.js';
import { recoverIfInterrupted } from './recover-interrupted.js';
import { nextState, transition } from './transitions.js';

/**
 * Confirms the stored registry photo (docs/DOMAIN.md §1.4, flow 1): the real-person check (实人认证)
 * of the selfie, and on a match the e-licence is issued at once (the credential to the driver's
 * newest device, when one is registered), with an inbox notice and a push.
 * After a failed check the driver may try again, and so after a check interrupted by a crash.
 * The check's outcomes are answered as at binding (accounts/real-person-check.ts); the driver may
 * try again after any of them.
 * @throws {ServiceError} 404 without an application; 409 ERR_ILLEGAL_TRANSITION (not a stored
 *   application in draft or identity_failed); 409 ERR_LICENCE_NOT_USABLE; 422
 *   ERR_IDENTITY_MISMATCH / ERR_LIVENESS_FAILED; 503 ERR_IDENTITY_UNAVAILABLE.
 */
export async function confirmStored(
  deps: ServiceDeps,
  driverId: number,
  selfie: Uint8Array,
): Promise<{ state: 'issued' }> {
  const now = deps.now();
  const actor = `driver:${driverId}`;
  const licence = await licenceOfDriver(deps.db.kysely, driverId);
  const app = await deps.db.kysely.transaction().execute(async (trx) => {
    const found = await latestApplication(trx, driverId);
    if (found === undefined) throw notFound('application');
    let current = await recoverIfInterrupted(trx, found, now);
    nextState(current, current.state === 'identity_failed' ? 'retry' : 'confirm_stored');
    assertUsable(licence.record, now);
    if (current.state === 'identity_failed')
      current = { ...current, state: await transition(trx, current, 'retry', { actor, now }) };
    return { ...current, state: await transition(trx, current, 'confirm_stored', { actor, now }) };
  });

  let result: IdentityCheckResult;
  try {
    result = await deps.identityCheck.verify({
      licenceNumber: licence.record.licenceNumber,
      name: licence.record.name,
      selfie,
      requestId: randomUUID(),
      purpose: 'stored_photo',
    });
  } catch (error) {
    await deps.db.kysely
      .transaction()
      .execute((trx) => transition(trx, app, 'identity_unavailable', { actor: 'system', now }));
    throw error;
  }

  if (result.outcome === 'match') {
    const photoHash = app.photo_hash ?? licence.portraitHash;
    if (photoHash === null) throw new Error('stored application without a photo hash');
    await deps.db.kysely.transaction().execute(async (trx) => {
      await transition(trx, app, 'identity_matched', {
        actor: 'system',
        now,
        details: { providerRef: result.providerRef, adapter: deps.identityCheck.name },
      });
      await recordIssue(trx, { driverId, licenceNumber: app.licence_number, photoHash, now });
      await issueOnApplication(deps, trx, {
        driverId,
        licenceNumber: app.licence_number,
        actor: 'system',
      });
    });
    pushIssued(deps, driverId);
    return { state: 'issued' };
  }
  await deps.db.kysely.transaction().execute((trx) =>
    transition(
      trx,
      app,
      result.outcome === 'unavailable' ? 'identity_unavailable' : 'identity_failed',
      {
        actor: 'system',
        now,
        details:
          result.outcome === 'unavailable'
            ? { reason: result.reason }
            : { outcome: result.outcome },
      },
    ),
  );
  throw identityCheckFailed(result);
}
