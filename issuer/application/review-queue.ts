import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import type { QueueEntry } from '../review/review-replies.js';
import { isProvisionalDeadline } from './review-deadline.js';

/** Submitted applications, the most urgent first (at most 200). */
export async function reviewQueue(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'calendar'>,
): Promise<QueueEntry[]> {
  const now = deps.now();
  const rows = await deps.db.kysely
    .selectFrom('applications')
    .select(['id', 'path', 'licence_number', 'submitted_at', 'deadline'])
    .where('state', '=', 'submitted')
    .orderBy('deadline', 'asc')
    .orderBy('id', 'asc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    path: r.path === 'camera' ? 'camera' : 'album',
    licenceNumber: maskLicenceNumber(r.licence_number),
    submittedAt: r.submitted_at,
    deadline: r.deadline,
    deadlineProvisional: r.deadline !== null && isProvisionalDeadline(r.deadline, deps.calendar),
    overdue: r.deadline !== null && r.deadline < now,
  }));
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
