import type { ApplicationPath, ApplicationState, BindingCheck } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { isProvisionalDeadline } from '../application/review-deadline.js';
import { chinaDate } from '../../shared/china-time.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';

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
  /** Who applies, from the registry, for comparing faces: never the full ID number. */
  readonly applicant: {
    readonly name: string;
    readonly sex: string;
    /** Whole years at the time of the answer, China time. */
    readonly age: number;
    /** When the licence was bound to the account (null: the account no longer holds it). */
    readonly boundAt: number | null;
    /** The real-person check that bound it; null for accounts bound before checks existed. */
    readonly bindingCheck: { readonly score: number; readonly at: number } | null;
  };
  /** Every rejection of this licence's applications (this one's too), newest first. */
  readonly earlierRejections: readonly {
    readonly id: number;
    readonly decidedAt: number | null;
    readonly reason: string | null;
  }[];
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
  const person = await db
    .selectFrom('licences')
    .leftJoin('drivers', 'drivers.licence_number', 'licences.licence_number')
    .select(['licences.record', 'drivers.bound_at', 'drivers.binding_check'])
    .where('licences.licence_number', '=', row.licence_number)
    .executeTakeFirstOrThrow();
  const record = parseLicenceRecord(JSON.parse(person.record));
  // Every rejection of this licence's applications, this one's before it was sent again too.
  const ids = await db
    .selectFrom('applications')
    .select('id')
    .where('licence_number', '=', row.licence_number)
    .execute();
  const rejections = await db
    .selectFrom('audit_log')
    .select(['subject', 'at', 'after'])
    .where('action', '=', 'application.reject')
    .where(
      'subject',
      'in',
      ids.map((a) => `application:${a.id}`),
    )
    .orderBy('id', 'desc')
    .limit(20)
    .execute();
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
    applicant: {
      name: record.name,
      sex: record.sex,
      age: ageOn(record.birthDate, chinaDate(new Date(deps.now() * 1000))),
      boundAt: person.bound_at,
      bindingCheck: bindingCheckOf(person.binding_check),
    },
    earlierRejections: rejections.map((r) => ({
      id: Number(r.subject.slice('application:'.length)),
      decidedAt: r.at,
      reason: reasonOf(r.after),
    })),
  };
}

/** Whole years from `birthDate` to `today`, both YYYY-MM-DD. */
function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** The reason recorded with a rejection, if any. */
function reasonOf(after: string | null): string | null {
  if (after === null) return null;
  const value = JSON.parse(after) as { reason?: unknown };
  return typeof value.reason === 'string' ? value.reason : null;
}

function bindingCheckOf(text: string | null): { score: number; at: number } | null {
  if (text === null) return null;
  const value = JSON.parse(text) as Partial<BindingCheck>;
  return typeof value.score === 'number' && typeof value.at === 'number'
    ? { score: value.score, at: value.at }
    : null;
}

function precheckOf(text: string): PrecheckReport {
  const value = JSON.parse(text) as Partial<PrecheckReport>;
  return {
    width: typeof value.width === 'number' ? value.width : 0,
    height: typeof value.height === 'number' ? value.height : 0,
    takenAt: typeof value.takenAt === 'number' ? value.takenAt : null,
  };
}
