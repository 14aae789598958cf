import { precheckPhoto } from '../application/photo-precheck.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { notFound, ServiceError } from '../service-error.js';
import { storePortrait } from './store-portrait.js';

/** What setting a registry photo needs. */
export interface RegistryPhotoInput {
  readonly licenceNumber: string;
  /** The uploaded JPEG or PNG; its declared type is not trusted, the pre-check sniffs it. */
  readonly bytes: Uint8Array;
  /** Who sets it, for the audit log: `staff:7`, `demo`. */
  readonly actor: string;
}

/**
 * Sets the registry photo of a licence (docs/DOMAIN.md §1.4, flow 1: a compliant stored photo). The
 * photo goes through the same automatic pre-check as a driver's upload and is stored re-encoded,
 * without metadata; the licence's portrait hash follows, so the stored path is offered. Audited
 * with the hash before and after, never the bytes.
 * @returns the new portrait hash and the one before.
 * @throws {ServiceError} 404 ERR_NOT_FOUND for no such licence; 422 ERR_PHOTO_REJECTED with
 *   `failures` (nothing is stored).
 */
export async function setRegistryPhoto(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  input: RegistryPhotoInput,
): Promise<{ portraitHash: string; before: string | null }> {
  const exists = await deps.db.kysely
    .selectFrom('licences')
    .select('licence_number')
    .where('licence_number', '=', input.licenceNumber)
    .executeTakeFirst();
  if (exists === undefined) throw notFound('licence');
  const checked = await precheckPhoto(input.bytes);
  if (!checked.ok)
    throw new ServiceError(
      422,
      'ERR_PHOTO_REJECTED',
      `photo: rejected by the pre-check (${checked.failures.map((f) => f.rule).join(', ')})`,
      { failures: checked.failures },
    );
  const now = deps.now();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const { before } = await storePortrait(trx, {
      licenceNumber: input.licenceNumber,
      photo: checked.image,
      hash: checked.sha256,
      source: 'registry',
      now,
    });
    await audit(trx, {
      actor: input.actor,
      action: 'licence.photo',
      subject: input.licenceNumber,
      before: { portraitHash: before },
      after: {
        portraitHash: checked.sha256,
        source: 'registry',
        width: checked.width,
        height: checked.height,
      },
      at: now,
    });
    return { portraitHash: checked.sha256, before };
  });
}
