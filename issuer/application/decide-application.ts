import { issueOnApplication } from '../credentials/issue-credential.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import type { Notice } from '../notify/notifier.js';
import { assertUsable, licenceOfDriver } from './internal/licence-of.js';
import { pushIssued, recordIssue } from './internal/record-issue.js';
import { transition } from './transitions.js';

/** A reviewer's decision on a submitted photo. */
export type Decision =
  { readonly kind: 'approve' } | { readonly kind: 'reject'; readonly reason: string };

/**
 * The notice of a rejection, one sentence with the reviewer's reason (the console sends a reason
 * from its list, with the reviewer's note in brackets); its own closing punctuation is dropped,
 * so the sentence ends once. 重新提交照片 is the app's button for it.
 */
export function rejectedNotice(reason: string): Notice {
  const said = reason.trim().replace(/[。.!！;；:：,，\s]+$/u, '');
  return {
    kind: 'application.rejected',
    title: '电子驾驶证申领未通过审核',
    body: `照片未通过审核，原因是${said}。请在“亮证”中点“重新提交照片”。`,
  };
}

/**
 * Decides a submitted application (docs/DOMAIN.md §1.6, flows 2 and 3). Approval issues the
 * e-licence at once: the photo becomes the registry portrait, the credential goes to the driver's
 * device (on a photo change the live one is superseded), the driver gets an inbox notice and a
 * push. Rejection keeps the reason for the driver (inbox and push), who may resubmit.
 * @throws {ServiceError} 404 for no such application; 409 ERR_ILLEGAL_TRANSITION when it is not
 *   submitted; 409 ERR_LICENCE_NOT_USABLE (approval only).
 */
export async function decideApplication(
  deps: ServiceDeps,
  reviewerId: number,
  id: number,
  decision: Decision,
): Promise<{ state: 'issued' | 'rejected' }> {
  const now = deps.now();
  const actor = `staff:${reviewerId}`;
  const result = await deps.db.kysely.transaction().execute(async (trx) => {
    const app = await trx
      .selectFrom('applications')
      .select(['id', 'path', 'state', 'driver_id', 'licence_number', 'photo_hash'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (app === undefined) throw notFound('application');
    const decided = { decided_at: now, reviewer_id: reviewerId };
    if (decision.kind === 'reject') {
      await transition(trx, app, 'reject', {
        actor,
        now,
        set: { ...decided, reason: decision.reason },
        details: { reason: decision.reason },
      });
      await deps.notifier.record(trx, app.driver_id, rejectedNotice(decision.reason), now);
      return { state: 'rejected' as const, driverId: app.driver_id };
    }
    assertUsable((await licenceOfDriver(trx, app.driver_id)).record, now);
    if (app.photo_hash === null)
      throw new Error(`application ${app.id}: submitted without a photo`);
    const approved = await transition(trx, app, 'approve', { actor, now, set: decided });
    await transition(trx, { ...app, state: approved }, 'issue', { actor, now });
    await recordIssue(trx, {
      driverId: app.driver_id,
      licenceNumber: app.licence_number,
      photoHash: app.photo_hash,
      now,
    });
    await issueOnApplication(deps, trx, {
      driverId: app.driver_id,
      licenceNumber: app.licence_number,
      actor,
    });
    return { state: 'issued' as const, driverId: app.driver_id };
  });
  if (result.state === 'issued') pushIssued(deps, result.driverId);
  else if (decision.kind === 'reject')
    deps.notifier.push(result.driverId, rejectedNotice(decision.reason));
  return { state: result.state };
}
