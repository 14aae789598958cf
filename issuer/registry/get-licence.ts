import { type LicenceRecord } from '../../shared/licence/record.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import type { CredentialTable } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';

/** A licence as staff see it: the record, its version and its e-licences. */
export interface LicenceView {
  readonly licence: LicenceRecord;
  readonly version: number;
  readonly updatedAt: number;
  /** Every credential issued for the licence, oldest first. */
  readonly credentials: readonly {
    readonly jti: string;
    readonly state: CredentialTable['state'];
    readonly listId: number;
    readonly index: number;
    readonly expiresAt: number;
  }[];
}

/**
 * One licence of the registry with its credentials.
 * @throws {ServiceError} 404 `ERR_NOT_FOUND` when there is no such licence.
 */
export async function getLicence(
  deps: Pick<ServiceDeps, 'db'>,
  licenceNumber: string,
): Promise<LicenceView> {
  const row = await deps.db.kysely
    .selectFrom('licences')
    .select(['record', 'version', 'updated_at'])
    .where('licence_number', '=', licenceNumber)
    .executeTakeFirst();
  if (row === undefined) throw notFound('licence');
  const credentials = await deps.db.kysely
    .selectFrom('credentials')
    .select(['jti', 'state', 'list_id', 'status_index', 'expires_at'])
    .where('licence_number', '=', licenceNumber)
    .orderBy('issued_at', 'asc')
    .orderBy('jti', 'asc')
    .execute();
  return {
    licence: parseLicenceRecord(JSON.parse(row.record)),
    version: row.version,
    updatedAt: row.updated_at,
    credentials: credentials.map((c) => ({
      jti: c.jti,
      state: c.state,
      listId: c.list_id,
      index: c.status_index,
      expiresAt: c.expires_at,
    })),
  };
}
