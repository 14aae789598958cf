import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { QUEUE_LISTED, type ReviewQueueReply } from './replies.js';
import { isProvisionalDeadline } from './review-deadline.js';

/**
 * Submitted applications, the most urgent first (at most {@link QUEUE_LISTED}), and how many
 * wait in all and how many of them are overdue, so that a reviewer knows the list is not all.
 */
export async function reviewQueue(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'calendar'>,
): Promise<ReviewQueueReply> {
  const now = deps.now();
  const submitted = deps.db.kysely.selectFrom('applications').where('state', '=', 'submitted');
  const [rows, counts] = await Promise.all([
    submitted
      .select(['id', 'path', 'licence_number', 'submitted_at', 'deadline'])
      .orderBy('deadline', 'asc')
      .orderBy('id', 'asc')
      .limit(QUEUE_LISTED)
      .execute(),
    // One statement, so that the two counts agree (PostgreSQL's count is a bigint: a string).
    submitted
      .select((eb) => [
        eb.fn.countAll<number | string>().as('waiting'),
        eb.fn
          .count<number | string>(eb.case().when('deadline', '<', now).then(1).end())
          .as('overdue'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    applications: rows.map((r) => ({
      id: r.id,
      path: r.path === 'camera' ? 'camera' : 'album',
      licenceNumber: maskLicenceNumber(r.licence_number),
      submittedAt: r.submitted_at,
      deadline: r.deadline,
      deadlineProvisional: r.deadline !== null && isProvisionalDeadline(r.deadline, deps.calendar),
      overdue: r.deadline !== null && r.deadline < now,
    })),
    waiting: Number(counts.waiting),
    overdue: Number(counts.overdue),
  };
}

/**
 * The photo of an application, for review (JPEG, as re-encoded by the pre-check).
 * @throws {ServiceError} 404 when the application or its photo does not exist.
 */
export async function applicationPhoto(
  deps: Pick<ServiceDeps, 'db'>,
  id: number,
): Promise<Uint8Array> {
  const row = await deps.db.kysely
    .selectFrom('applications')
    .select('photo')
    .where('id', '=', id)
    .executeTakeFirst();
  if (row?.photo == null) throw notFound('application photo');
  return row.photo;
}
