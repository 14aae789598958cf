import type { ServiceDeps } from '../deps.js';
import { issuedOf, type IssuedCredential } from './issue-credential.js';
import { LIVE } from './internal/live.js';

/** The live credential of a driver's licence, and the device it is bound to. */
export type CurrentCredential = IssuedCredential & { readonly deviceId: number };

/**
 * The driver's live credential, if there is one of format version 2. A live version 1
 * credential (issued before version 2) has no holder's copy to hand the phone: it counts as
 * none, and the app's next credential request (POST /api/me/devices/:id/credential) signs a
 * version 2 one in its slot, as `liangzheng keys reissue` does.
 */
export async function currentCredential(
  deps: Pick<ServiceDeps, 'db'>,
  driverId: number,
): Promise<CurrentCredential | undefined> {
  const row = await deps.db.kysely
    .selectFrom('credentials as c')
    .innerJoin('drivers as d', 'd.licence_number', 'c.licence_number')
    .select([
      'c.credential',
      'c.holder_copy',
      'c.jti',
      'c.expires_at',
      'c.list_id',
      'c.status_index',
      'c.device_id',
    ])
    .where('d.id', '=', driverId)
    .where('c.state', '=', LIVE)
    .executeTakeFirst();
  const issued = row === undefined ? undefined : issuedOf(row);
  if (row === undefined || issued === undefined) return undefined;
  return { ...issued, deviceId: row.device_id };
}
