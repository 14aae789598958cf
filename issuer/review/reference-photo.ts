import { randomUUID } from 'node:crypto';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError, notFound } from '../service-error.js';

/**
 * The identity photo of an application's licence holder, from the real-person check's source,
 * for a reviewer comparing it with the submitted photo. Fetched for this look only: nothing of it
 * is stored, cached or logged. Every access is audited (who, which application, the outcome),
 * whatever the outcome.
 * @throws {ServiceError} 404 when there is no such application or the source holds no photo;
 *   503 ERR_IDENTITY_UNAVAILABLE when the source cannot be reached.
 */
export async function referencePhoto(
  deps: Pick<ServiceDeps, 'db' | 'identityCheck' | 'now'>,
  applicationId: number,
  staffId: number,
): Promise<Uint8Array> {
  const row = await deps.db.kysely
    .selectFrom('applications')
    .innerJoin('licences', 'licences.licence_number', 'applications.licence_number')
    .select(['applications.licence_number', 'licences.record'])
    .where('applications.id', '=', applicationId)
    .executeTakeFirst();
  if (row === undefined) throw notFound('application');
  const requestId = `ref-${randomUUID()}`;
  const result = await deps.identityCheck.referencePhoto({
    licenceNumber: row.licence_number,
    name: parseLicenceRecord(JSON.parse(row.record)).name,
    requestId,
  });
  await audit(deps.db.kysely, {
    actor: `staff:${staffId}`,
    action: 'reference_photo.viewed',
    subject: `application:${applicationId}`,
    after: { outcome: result.outcome, requestId },
    at: deps.now(),
  });
  if (result.outcome === 'found') return result.photo;
  if (result.outcome === 'not_found') throw notFound('reference photo');
  throw new ServiceError(
    503,
    'ERR_IDENTITY_UNAVAILABLE',
    'the identity photo source cannot be reached now; try again in a few minutes',
  );
}
