import type { ServiceDeps } from '../deps.js';
import { applyChange, type ChangedLicence } from './apply-change.js';
import type { LicenceChange } from './transitions.js';

/**
 * One lifecycle change made by hand, in a transaction of its own (see {@link applyChange}).
 *
 * @throws {ServiceError} 404 `ERR_NOT_FOUND`, 409 `ERR_ILLEGAL_TRANSITION`.
 * @throws {LicenceValidationError} `ERR_LICENCE_INVALID` when the changed record is not valid.
 */
export function changeLicence(
  deps: Pick<ServiceDeps, 'db' | 'statusLists' | 'now'>,
  licenceNumber: string,
  change: LicenceChange,
  actor: string,
): Promise<ChangedLicence> {
  return deps.db.kysely
    .transaction()
    .execute((trx) => applyChange(deps, trx, licenceNumber, change, actor));
}
