import type { ServiceDeps } from '../deps.js';
import { boundLicence } from '../accounts/bound-licence.js';
import { notFound } from '../service-error.js';

/**
 * The current portrait of the signed-in driver's licence (the registry photo, or the photo of
 * the last issued application): the image the credential's `ph` is the SHA-256 of.
 * @throws {ServiceError} 404 when the licence has no portrait.
 */
export async function ownPortrait(
  deps: Pick<ServiceDeps, 'db'>,
  driverId: number,
): Promise<{ photo: Uint8Array; hash: string }> {
  const row = await deps.db.kysely
    .selectFrom('drivers')
    .leftJoin('portraits', 'portraits.licence_number', 'drivers.licence_number')
    .select(['drivers.licence_number', 'portraits.photo', 'portraits.hash'])
    .where('drivers.id', '=', driverId)
    .executeTakeFirst();
  if (row === undefined) throw notFound('portrait');
  boundLicence(row);
  if (row.photo === null || row.hash === null) throw notFound('portrait');
  return { photo: row.photo, hash: row.hash };
}
