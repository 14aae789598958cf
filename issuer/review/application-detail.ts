import type { BindingCheck } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { isProvisionalDeadline } from '../application/review-deadline.js';
import { chinaAge } from '../../shared/china-time.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import type { ApplicationDetail, PrecheckReport } from './review-replies.js';

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
      age: chinaAge(record.birthDate, deps.now() * 1000),
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
