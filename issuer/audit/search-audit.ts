import { sql } from 'kysely';
import { ID_NUMBER_SHAPE, maskLicenceNumber } from '../../shared/licence/id-number.js';
import type { ServiceDeps } from '../deps.js';

/** Most entries one search answers; page on with `beforeId`. */
export const AUDIT_SEARCH_MAX = 200;

/**
 * The members of an entry's state before and after that a search shows: statuses, reasons,
 * roles, times, counts; never a name, an address, a phone, a photo hash or a key. A licence's
 * record gives its status, points and last valid day only.
 */
const SHOWN = new Set([
  'status',
  'points',
  'validTo',
  'version',
  'reason',
  'state',
  'path',
  'role',
  'username',
  'disabledAt',
  'lockedUntil',
  'failedSignIns',
  'by',
  'outcome',
  'deadline',
  'provisional',
  'org',
  'may',
  'revokedAt',
  'expiresAt',
  'count',
  'deviceId',
  'driverId',
  'mode',
  'source',
  'photoChange',
  'reviewerId',
]);

/** A state before or after, as a search shows it: scalars and lists of numbers only. */
export type AuditSummary = Readonly<Record<string, string | number | boolean | null | number[]>>;

/** One entry as a search shows it. */
export interface AuditSearchEntry {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  /** A licence number masked (`440106********2429`); other subjects as recorded. */
  readonly subject: string;
  readonly before: AuditSummary | null;
  readonly after: AuditSummary | null;
}

/** What a search asks for: the entries of a time range, of one actor, of one action. */
export interface AuditSearch {
  /** Seconds since the epoch, from (inclusive) and to (exclusive). */
  readonly from: number;
  readonly to: number;
  readonly actor?: string;
  readonly action?: string;
  /** The entries after (older than) this one; the first page when absent. */
  readonly beforeId?: number;
  readonly limit: number;
}

function isShown(value: unknown): value is string | number | boolean | null | number[] {
  return (
    value === null ||
    ['string', 'number', 'boolean'].includes(typeof value) ||
    (Array.isArray(value) && value.every((v) => typeof v === 'number'))
  );
}

/**
 * The members of a recorded state a search shows: {@link SHOWN} ones of scalar value, the
 * status, points and last valid day of a licence record, a verifier device's name.
 */
export function summaryOf(action: string, recorded: string | null): AuditSummary | null {
  if (recorded === null) return null;
  const value: unknown = JSON.parse(recorded);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, string | number | boolean | null | number[]> = {};
  const take = (from: Record<string, unknown>, key: string) => {
    const v = from[key];
    if (v !== undefined && isShown(v)) out[key] = v;
  };
  const members = value as Record<string, unknown>;
  for (const key of Object.keys(members)) if (SHOWN.has(key)) take(members, key);
  // A device's name tells devices apart (a unit, a handset number), never a person.
  if (action.startsWith('verifier-device.')) take(members, 'name');
  const record = members.record;
  if (typeof record === 'object' && record !== null && !Array.isArray(record))
    for (const key of ['status', 'points', 'validTo']) take(record as Record<string, unknown>, key);
  return out;
}

/**
 * The audit entries of a time range, newest first, of one actor and one action when given:
 * read through the index on (at, id), a page of `limit` at a time, the next page before the
 * last entry received. Subjects that are licence numbers are masked, and each state before and
 * after is cut down to {@link summaryOf}: a search lists many people's entries, and its list
 * shows no personal data (a licence's own trail, `GET /api/audit?subject=`, shows it whole).
 * @returns the entries, and whether there are more.
 */
export async function searchAudit(
  deps: Pick<ServiceDeps, 'db'>,
  search: AuditSearch,
): Promise<{ entries: AuditSearchEntry[]; more: boolean }> {
  const db = deps.db.kysely;
  let select = db
    .selectFrom('audit_log')
    .selectAll()
    .where('at', '>=', search.from)
    .where('at', '<', search.to);
  if (search.actor !== undefined) select = select.where('actor', '=', search.actor);
  if (search.action !== undefined) select = select.where('action', '=', search.action);
  if (search.beforeId !== undefined) {
    const last = await db
      .selectFrom('audit_log')
      .select(['at', 'id'])
      .where('id', '=', search.beforeId)
      .executeTakeFirst();
    // An entry that does not exist starts nothing: the page before id N is the one below it.
    select =
      last === undefined
        ? select.where('id', '<', search.beforeId)
        : select.where(sql<boolean>`(at, id) < (${last.at}, ${last.id})`);
  }
  const rows = await select
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(search.limit + 1)
    .execute();
  return {
    entries: rows.slice(0, search.limit).map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      subject: ID_NUMBER_SHAPE.test(r.subject) ? maskLicenceNumber(r.subject) : r.subject,
      before: summaryOf(r.action, r.before),
      after: summaryOf(r.action, r.after),
    })),
    more: rows.length > search.limit,
  };
}
