import { type LicenceStatusCode, POINTS_LIMIT } from '../../shared/licence/codes.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import {
  LicenceValidationError,
  parseLicenceRecord,
  type LicenceFieldIssue,
} from '../../shared/licence/validate.js';
import { ServiceError } from '../service-error.js';
import {
  AMENDABLE_FIELDS,
  nextRecord,
  particularsOf,
  type LicenceAction,
  type LicenceChange,
} from './transitions.js';

/** The lifecycle changes that turn one record into another, or why they cannot. */
export type ChangePlan =
  | { readonly ok: true; readonly changes: readonly LicenceChange[] }
  | { readonly ok: false; readonly issues: readonly LicenceFieldIssue[] };

/** The action that leads to each status a registry file may ask for (B comes from points). */
const ACTION_TO: Partial<
  Readonly<Record<LicenceStatusCode, 'suspend' | 'revoke' | 'cancel' | 'restore'>>
> = {
  D: 'suspend',
  F: 'revoke',
  G: 'cancel',
  A: 'restore',
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether two records hold the same values in every field. */
export function sameRecord(a: LicenceRecord, b: LicenceRecord): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof LicenceRecord>;
  return [...keys].every((k) => same(a[k], b[k]));
}

/**
 * The lifecycle changes, in order, that make `current` into `wanted` exactly as staff would by
 * hand, each checked against the transition table and each intermediate record validated:
 *
 * 1. `amend` when any particular other than status, points and validity differs;
 * 2. `renew` first when the validity differs and the status allows it (A or M);
 * 3. `points` when the points differ (which moves A ⇄ B at 12);
 * 4. the status action: D suspend, F revoke, G cancel, A restore (B only through points);
 * 5. `renew` last when it was not possible first (e.g. restore D → A, then renew).
 *
 * Pure: the records are already valid.
 *
 * @param today the date in China, `YYYY-MM-DD` (renewals may not end before it).
 * @returns the changes, or the issues (free of personal data) that stop them.
 */
export function planChanges(
  current: LicenceRecord,
  wanted: LicenceRecord,
  today: string,
): ChangePlan {
  const changes: LicenceChange[] = [];
  let record = current;
  const step = (change: LicenceChange): void => {
    record = parseLicenceRecord(nextRecord(record, change, today));
    changes.push(change);
  };
  const statusIssue = (found: string): LicenceFieldIssue => ({
    field: 'status',
    expected: `a status the lifecycle reaches from ${current.status} (suspend → D, revoke → F, cancel → G, restore → A, points ${POINTS_LIMIT} → B)`,
    found,
  });
  try {
    if (AMENDABLE_FIELDS.some((f) => !same(current[f], wanted[f]))) {
      step({ action: 'amend', particulars: particularsOf(wanted) });
    }
    const renewal: LicenceChange | undefined =
      current.validFrom === wanted.validFrom && current.validTo === wanted.validTo
        ? undefined
        : { action: 'renew', validFrom: wanted.validFrom, validTo: wanted.validTo };
    let renewed = false;
    if (renewal !== undefined && (record.status === 'A' || record.status === 'M')) {
      step(renewal);
      renewed = true;
    }
    if (record.points !== wanted.points) step({ action: 'points', points: wanted.points });
    if (record.status !== wanted.status) {
      const action = ACTION_TO[wanted.status];
      if (action === undefined)
        return { ok: false, issues: [statusIssue(`"${wanted.status}", which no action sets`)] };
      step({ action });
    }
    if (renewal !== undefined && !renewed) step(renewal);
    if (record.status !== wanted.status)
      return {
        ok: false,
        issues: [statusIssue(`"${wanted.status}" after the changes leave "${record.status}"`)],
      };
    return { ok: true, changes };
  } catch (error) {
    if (error instanceof LicenceValidationError) return { ok: false, issues: error.issues };
    if (error instanceof ServiceError && error.code === 'ERR_ILLEGAL_TRANSITION') {
      const { action, from } = error.extra as { action: LicenceAction; from: string };
      const field = action === 'renew' ? 'validTo' : action === 'points' ? 'points' : 'status';
      return {
        ok: false,
        issues: [
          {
            field,
            expected: `a change allowed from status ${from}`,
            found: error.message,
          },
        ],
      };
    }
    throw error;
  }
}
