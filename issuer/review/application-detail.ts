import type { ApplicationPath, ApplicationState } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { isProvisionalDeadline } from '../application/review-deadline.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';

/** The automatic pre-check's report on a submitted photo. */
export interface PrecheckReport {
  readonly width: number;
  readonly height: number;
  /** When the photo was taken, from its EXIF (seconds since the epoch); null when unknown. */
  readonly takenAt: number | null;
}

/** One entry of an application's audit trail. */
export interface AuditEntryView {
  readonly at: number;
  /** `driver:<id>`, `staff:<id>` or `system`. */
  readonly actor: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** An application as a reviewer examines it. */
export interface ApplicationDetail {
  readonly id: number;
  readonly path: ApplicationPath;
  readonly state: ApplicationState;
  /** Masked: the first 6 and the last 4 characters only. */
  readonly licenceNumber: string;
  readonly submittedAt: number | null;
  readonly deadline: number | null;
  /** The deadline lies beyond the working calendar (counted Monday to Friday). */
  readonly deadlineProvisional: boolean;
  /** Submitted and the deadline has passed. */
  readonly overdue: boolean;
  readonly decidedAt: number | null;
  readonly reviewerId: number | null;
  readonly reason: string | null;
  /** Whether there is a photo to fetch (GET /api/review/applications/:id/photo). */
  readonly hasPhoto: boolean;
  readonly precheck: PrecheckReport | null;
  /** Every audit entry whose subject is `application:<id>`, oldest first. */
  readonly audit: readonly AuditEntryView[];
}

/** Audit entries shown at most. */
const AUDIT_LIMIT = 500;

/**
 * One application with its pre-check report and its audit trail, for review.
 * @throws {ServiceError} 404 when there is no such application.
 */
export async function applicationDetail(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'calendar'>,
  id: number,
): Promise<ApplicationDetail> {
  const db = deps.db.kysely;
  const row = await db
    .selectFrom('applications')
    .select([
      'id',
      'path',
      'state',
      'licence_number',
      'submitted_at',
      'deadline',
      'decided_at',
      'reviewer_id',
      'reason',
      'precheck',
      (eb) => eb('photo', 'is not', null).as('has_photo'),
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined) throw notFound('application');
  const entries = await db
    .selectFrom('audit_log')
    .select(['at', 'actor', 'action', 'before', 'after'])
    .where('subject', '=', `application:${id}`)
    .orderBy('id', 'asc')
    .limit(AUDIT_LIMIT)
    .execute();
  return {
    id: row.id,
    path: row.path,
    state: row.state,
    licenceNumber: maskLicenceNumber(row.licence_number),
    submittedAt: row.submitted_at,
    deadline: row.deadline,
    deadlineProvisional:
      row.deadline !== null && isProvisionalDeadline(row.deadline, deps.calendar),
    overdue: row.state === 'submitted' && row.deadline !== null && row.deadline < deps.now(),
    decidedAt: row.decided_at,
    reviewerId: row.reviewer_id,
    reason: row.reason,
    // SQLite answers 1/0, PostgreSQL true/false.
    hasPhoto: Boolean(row.has_photo),
    precheck: row.precheck === null ? null : precheckOf(row.precheck),
    audit: entries.map((e) => ({
      at: e.at,
      actor: e.actor,
      action: e.action,
      before: e.before === null ? null : (JSON.parse(e.before) as unknown),
      after: e.after === null ? null : (JSON.parse(e.after) as unknown),
    })),
  };
}

function precheckOf(text: string): PrecheckReport {
  const value = JSON.parse(text) as Partial<PrecheckReport>;
  return {
    width: typeof value.width === 'number' ? value.width : 0,
    height: typeof value.height === 'number' ? value.height : 0,
    takenAt: typeof value.takenAt === 'number' ? value.takenAt : null,
  };
}
