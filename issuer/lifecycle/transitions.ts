/**
 * The licence lifecycle as data: which action may change a licence in which GA/T 16.25 status
 * (shared/licence/codes.ts, docs/DOMAIN.md §2.3), and what the record becomes. Pure: no database, no
 * clock (the caller passes today's date), so the table can be read, tested and reviewed on its own.
 */
import {
  LICENCE_STATUS,
  type LicenceStatusCode,
  POINTS_LIMIT,
} from '../../shared/licence/codes.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { LicenceValidationError } from '../../shared/licence/validate.js';
import { conflict, type ServiceError } from '../service-error.js';
import { ALLOWED_FROM } from './allowed-from.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every status code, in the order of GA/T 16.25. */
export const STATUS_CODES = Object.keys(LICENCE_STATUS) as readonly LicenceStatusCode[];

/** The actions staff can take on a licence by hand. */
export const LICENCE_ACTIONS = [
  'suspend',
  'revoke',
  'cancel',
  'restore',
  'points',
  'renew',
  'replace',
] as const;

/** One of {@link LICENCE_ACTIONS}. */
export type LicenceAction = (typeof LICENCE_ACTIONS)[number];

/** The fields a registry import may correct without a lifecycle action of their own. */
export const AMENDABLE_FIELDS = [
  'name',
  'sex',
  'nationality',
  'address',
  'birthDate',
  'firstIssueDate',
  'classes',
  'issuingAuthority',
  'fileNumber',
] as const satisfies readonly (keyof LicenceRecord)[];

/** The particulars {@link AMENDABLE_FIELDS} of a record. */
export type Particulars = Pick<LicenceRecord, (typeof AMENDABLE_FIELDS)[number]>;

/** The particulars of `record`: everything but number, status, points and validity. */
export function particularsOf(record: LicenceRecord): Particulars {
  return {
    name: record.name,
    sex: record.sex,
    nationality: record.nationality,
    address: record.address,
    birthDate: record.birthDate,
    firstIssueDate: record.firstIssueDate,
    classes: record.classes,
    issuingAuthority: record.issuingAuthority,
    fileNumber: record.fileNumber,
  };
}

/** A change to a licence. `reason` is kept in the audit log only. */
export type LicenceChange =
  | {
      readonly action: 'suspend' | 'revoke' | 'cancel' | 'restore' | 'replace';
      readonly reason?: string;
    }
  | { readonly action: 'points'; readonly points: number; readonly reason?: string }
  | {
      readonly action: 'renew';
      readonly validFrom: string;
      readonly validTo: string;
      readonly reason?: string;
    }
  /**
   * A correction of the recorded particulars, made by a registry import only (no route): allowed
   * in every status. The e-licence shows the old particulars, so it is superseded.
   */
  | { readonly action: 'amend'; readonly particulars: Particulars; readonly reason?: string };

/** One row of the table: the statuses an action starts from, and what it does. */
export interface Transition {
  /** The statuses the action is allowed from; anything else is an illegal transition. */
  readonly from: readonly LicenceStatusCode[];
  /** The status after the action, given the status and points before it (and, for `points`, after). */
  readonly to: (status: LicenceStatusCode, points: number) => LicenceStatusCode;
  /** Further condition on the record before the action; a reason when it does not hold. */
  readonly unless?: (record: Pick<LicenceRecord, 'status' | 'points'>) => string | undefined;
  /** Whether the licence's e-licences are superseded (the next issuance gets a new index). */
  readonly supersedes: boolean;
}

/**
 * The allowed transitions.
 *
 * - suspend 暂扣: A, B, M → D.
 * - revoke 吊销: A, B, D, M → F.
 * - cancel 注销: any status but F and G → G.
 * - restore: D → A (→ B when the points stand at 12: the seizure ends, the points remain); B → A
 *   only once the points are below 12.
 * - points: set 0–12, from any status but F and G; reaching 12 while A → B, going below 12 while
 *   B → A; any other status stays.
 * - renew 换证 (a new validity period): A, M → A; the e-licence is superseded.
 * - replace 补证 (the paper licence is replaced): A → A, the record stays; the e-licence is
 *   superseded.
 */
export const TRANSITIONS: Readonly<Record<LicenceAction, Transition>> = {
  suspend: { from: ALLOWED_FROM.suspend, to: () => 'D', supersedes: false },
  revoke: { from: ALLOWED_FROM.revoke, to: () => 'F', supersedes: false },
  cancel: { from: ALLOWED_FROM.cancel, to: () => 'G', supersedes: false },
  restore: {
    from: ALLOWED_FROM.restore,
    to: (_status, points) => (points >= POINTS_LIMIT ? 'B' : 'A'),
    unless: (r) =>
      r.status === 'B' && r.points >= POINTS_LIMIT
        ? `the points are below ${POINTS_LIMIT}`
        : undefined,
    supersedes: false,
  },
  points: {
    from: ALLOWED_FROM.points,
    to: (status, points) =>
      status === 'A' && points >= POINTS_LIMIT
        ? 'B'
        : status === 'B' && points < POINTS_LIMIT
          ? 'A'
          : status,
    supersedes: false,
  },
  renew: { from: ALLOWED_FROM.renew, to: () => 'A', supersedes: true },
  replace: { from: ALLOWED_FROM.replace, to: () => 'A', supersedes: true },
};

/** Whether `action` is allowed on a licence in `status` with `points` (the table, nothing else). */
export function isAllowed(
  action: LicenceAction,
  status: LicenceStatusCode,
  points: number,
): boolean {
  const t = TRANSITIONS[action];
  return t.from.includes(status) && t.unless?.({ status, points }) === undefined;
}

/** The error for an action the table does not allow: 409 `ERR_ILLEGAL_TRANSITION`. */
export function illegalTransition(
  action: LicenceAction,
  from: LicenceStatusCode,
  condition?: string,
): ServiceError {
  const label = `${from} (${LICENCE_STATUS[from].en})`;
  return conflict(
    'ERR_ILLEGAL_TRANSITION',
    condition === undefined
      ? `${action}: not allowed from status ${label}; allowed from ${TRANSITIONS[action].from.join(' ')}`
      : `${action}: not allowed from status ${label} until ${condition}`,
    { from, action },
  );
}

/**
 * The record after `change`, not yet validated as a whole (the caller runs parseLicenceRecord
 * on it). Renewal rules beyond the record's own: the new period starts no earlier than the
 * current one, and ends no earlier than `today`.
 *
 * @param today the date in China, `YYYY-MM-DD`.
 * @throws {ServiceError} 409 `ERR_ILLEGAL_TRANSITION` when the table does not allow the change.
 * @throws {LicenceValidationError} `ERR_LICENCE_INVALID` on a renewal period that goes back.
 */
export function nextRecord(
  record: LicenceRecord,
  change: LicenceChange,
  today: string,
): LicenceRecord {
  if (change.action === 'amend') return { ...record, ...change.particulars };
  const t = TRANSITIONS[change.action];
  if (!t.from.includes(record.status)) throw illegalTransition(change.action, record.status);
  const condition = t.unless?.(record);
  if (condition !== undefined) throw illegalTransition(change.action, record.status, condition);
  switch (change.action) {
    case 'points':
      return { ...record, points: change.points, status: t.to(record.status, change.points) };
    case 'renew': {
      const issues = [];
      // Only dates are compared here; parseLicenceRecord reports any other value.
      if (DATE.test(change.validFrom) && change.validFrom < record.validFrom)
        issues.push({
          field: 'validFrom',
          expected: `a date on or after the current validFrom ${record.validFrom}`,
          found: change.validFrom,
        });
      if (DATE.test(change.validTo) && change.validTo < today)
        issues.push({
          field: 'validTo',
          expected: `a date on or after ${today}`,
          found: change.validTo,
        });
      if (issues.length > 0) throw new LicenceValidationError(issues);
      return {
        ...record,
        validFrom: change.validFrom,
        validTo: change.validTo,
        status: t.to(record.status, record.points),
      };
    }
    default:
      return { ...record, status: t.to(record.status, record.points) };
  }
}

/** Whether `change` supersedes the licence's e-licences. */
export function supersedes(change: LicenceChange): boolean {
  return change.action === 'amend' || TRANSITIONS[change.action].supersedes;
}
