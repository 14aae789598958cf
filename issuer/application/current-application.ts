import type { ApplicationPath, ApplicationState } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { latestApplication } from './internal/latest-application.js';
import { isProvisionalDeadline } from './review-deadline.js';

/** What a driver sees of the application. */
export interface ApplicationView {
  readonly id: number;
  readonly path: ApplicationPath;
  readonly state: ApplicationState;
  readonly submittedAt: number | null;
  /** When the review is due (camera and album paths, once submitted). */
  readonly deadline: number | null;
  /** The deadline lies beyond the working calendar (counted Monday to Friday). */
  readonly deadlineProvisional: boolean;
  readonly decidedAt: number | null;
  /** Why the photo was rejected. */
  readonly reason: string | null;
}

/**
 * The driver's latest application.
 * @throws {ServiceError} 404 when there is none.
 */
export async function currentApplication(
  deps: Pick<ServiceDeps, 'db' | 'calendar'>,
  driverId: number,
): Promise<ApplicationView> {
  const row = await latestApplication(deps.db.kysely, driverId);
  if (row === undefined) throw notFound('application');
  return {
    id: row.id,
    path: row.path,
    state: row.state,
    submittedAt: row.submitted_at,
    deadline: row.deadline,
    deadlineProvisional:
      row.deadline !== null && isProvisionalDeadline(row.deadline, deps.calendar),
    decidedAt: row.decided_at,
    reason: row.reason,
  };
}
