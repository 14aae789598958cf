import type { ServiceDeps } from '../deps.js';
import { issuedOf, type IssuedCredential } from './issue-credential.js';
import { LIVE } from './internal/live.js';

/** The live credential of a driver's licence, and the device it is bound to. */
export type CurrentCredential = IssuedCredential & { readonly deviceId: number };

/** The driver's live credential, if there is one. */
export async function currentCredential(
  deps: Pick<ServiceDeps, 'db'>,
  driverId: number,
): Promise<CurrentCredential | undefined> {
  const row = await deps.db.kysely
    .selectFrom('credentials as c')
    .innerJoin('drivers as d', 'd.licence_number', 'c.licence_number')
    .select(['c.credential', 'c.jti', 'c.expires_at', 'c.list_id', 'c.status_index', 'c.device_id'])
    .where('d.id', '=', driverId)
    .where('c.state', '=', LIVE)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return { ...issuedOf(row), deviceId: row.device_id };
}
