import { LICENCE_STATUS, type LicenceStatusCode } from '../../shared/licence/codes.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { unusableAt, type UnusableReason } from '../../shared/usability.js';

/** What the driver's app shows about its own licence now: the colour of the QR follows it. */
export interface LicenceStatusView {
  /** The GA/T 16.25 status letter, e.g. `A`. */
  readonly status: LicenceStatusCode;
  /** The status in words. */
  readonly label: { readonly zh: string; readonly en: string };
  /** Points recorded in the current scoring cycle. */
  readonly points: number;
  /** Whether the licence may be used for driving today (validity, status A, points below 12). */
  readonly usable: boolean;
  /** Why not, when it may not; null when it may. */
  readonly reason: UnusableReason | null;
  /** Seconds since the epoch: when the service answered. */
  readonly checkedAt: number;
}

/**
 * The current status of the signed-in driver's licence, from the registry (not from any
 * credential, which may be older).
 * @throws {ServiceError} 404 when the account has no licence in the registry.
 */
export async function licenceStatus(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  driverId: number,
): Promise<LicenceStatusView> {
  const row = await deps.db.kysely
    .selectFrom('drivers')
    .innerJoin('licences', 'licences.licence_number', 'drivers.licence_number')
    .select('licences.record')
    .where('drivers.id', '=', driverId)
    .executeTakeFirst();
  if (row === undefined) throw notFound('licence of the driver');
  const record = parseLicenceRecord(JSON.parse(row.record));
  const now = deps.now();
  const why = unusableAt(record, new Date(now * 1000));
  return {
    status: record.status,
    label: { zh: LICENCE_STATUS[record.status].zh, en: LICENCE_STATUS[record.status].en },
    points: record.points,
    usable: why === undefined,
    reason: why?.reason ?? null,
    checkedAt: now,
  };
}
