import type { Kysely, Transaction } from 'kysely';
import { type LicenceRecord } from '../../../shared/licence/record.js';
import { parseLicenceRecord } from '../../../shared/licence/validate.js';
import { unusableAt } from '../../../shared/usability.js';
import type { Database } from '../../db/schema.js';
import { licenceNotBound } from '../../accounts/bound-licence.js';
import { conflict } from '../../service-error.js';

/** A licence of the registry as an application needs it. */
export interface RegistryLicence {
  readonly record: LicenceRecord;
  /** SHA-256 (base64url) of the compliant registry photo, or null when there is none. */
  readonly portraitHash: string | null;
}

/** The licence of a driver's account. @throws {ServiceError} 403 ERR_LICENCE_NOT_BOUND. */
export async function licenceOfDriver(
  db: Kysely<Database> | Transaction<Database>,
  driverId: number,
): Promise<RegistryLicence> {
  const row = await db
    .selectFrom('drivers')
    .innerJoin('licences', 'licences.licence_number', 'drivers.licence_number')
    .select(['licences.record', 'licences.portrait_hash'])
    .where('drivers.id', '=', driverId)
    .executeTakeFirst();
  if (row === undefined) throw licenceNotBound();
  return { record: parseLicenceRecord(JSON.parse(row.record)), portraitHash: row.portrait_hash };
}

/**
 * Refuses a licence that may not have an e-licence now (docs/DOMAIN.md §1.2: not while suspended,
 * revoked or expired; status A and points below 12).
 * @throws {ServiceError} 409 ERR_LICENCE_NOT_USABLE with `reason`.
 */
export function assertUsable(licence: LicenceRecord, now: number): void {
  const why = unusableAt(licence, new Date(now * 1000));
  if (why !== undefined)
    throw conflict('ERR_LICENCE_NOT_USABLE', `no e-licence now: ${why.message}`, {
      reason: why.reason,
    });
}
