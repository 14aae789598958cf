import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { MIN_REVIEW_WORKING_DAYS, reviewDeadline } from './review-deadline.js';

/**
 * Brings the deadlines of submitted applications in step with the working calendar, at start.
 * A deadline counted beyond the calendar (Monday to Friday, provisional) is counted again once
 * the operator has loaded that year's arrangement, so that the queue shows the real deadline
 * and no longer marks it provisional; a deadline is a function of the submission time and the
 * calendar, so one already right is left as it is. Each change is audited
 * (`application.deadline_recomputed`, before and after). Several nodes starting at once change
 * a row once: the update is conditional on the deadline it read.
 * @returns how many deadlines changed.
 */
export async function recomputeDeadlines(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'calendar'>,
): Promise<number> {
  const rows = await deps.db.kysely
    .selectFrom('applications')
    .select(['id', 'submitted_at', 'deadline'])
    .where('state', '=', 'submitted')
    .where('submitted_at', 'is not', null)
    .execute();
  let changed = 0;
  for (const row of rows) {
    if (row.submitted_at === null) continue;
    const due = reviewDeadline(
      new Date(row.submitted_at * 1000),
      MIN_REVIEW_WORKING_DAYS,
      deps.calendar,
    );
    const deadline = Math.floor(due.at.getTime() / 1000);
    if (deadline === row.deadline) continue;
    const done = await deps.db.kysely.transaction().execute(async (trx) => {
      const update = await trx
        .updateTable('applications')
        .set({ deadline })
        .where('id', '=', row.id)
        .where('state', '=', 'submitted')
        .where('deadline', row.deadline === null ? 'is' : '=', row.deadline)
        .executeTakeFirst();
      if (update.numUpdatedRows !== 1n) return false;
      await audit(trx, {
        actor: 'system',
        action: 'application.deadline_recomputed',
        subject: `application:${row.id}`,
        before: { deadline: row.deadline },
        after: { deadline, provisional: due.provisional },
        at: deps.now(),
      });
      return true;
    });
    if (done) changed += 1;
  }
  return changed;
}
