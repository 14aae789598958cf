import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { storePortrait } from './store-portrait.js';

/**
 * Makes the photo of an application being issued the licence's portrait, inside the issuing
 * transaction, so that the credentials issued next carry its hash and a verifier device can
 * fetch it:
 * - camera and album: the application's own photo (found by licence and hash: equal SHA-256,
 *   equal bytes) becomes the stored portrait, source `application`;
 * - stored: the registry photo already is the portrait, and stays, even if an admin replaced it
 *   while the application was open (the stored path means the registry's current photo);
 * - a registry hash without stored bytes (a registry loaded before portraits were kept): the
 *   hash alone is set, as before; no verifier device can be shown that photo.
 */
export async function adoptApplicationPhoto(
  trx: Transaction<Database>,
  issue: { readonly licenceNumber: string; readonly photoHash: string; readonly now: number },
): Promise<void> {
  const own = await trx
    .selectFrom('applications')
    .select('photo')
    .where('licence_number', '=', issue.licenceNumber)
    .where('photo_hash', '=', issue.photoHash)
    .where('photo', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (own?.photo != null) {
    await storePortrait(trx, {
      licenceNumber: issue.licenceNumber,
      photo: own.photo,
      hash: issue.photoHash,
      source: 'application',
      now: issue.now,
    });
    return;
  }
  const stored = await trx
    .selectFrom('portraits')
    .select('licence_number')
    .where('licence_number', '=', issue.licenceNumber)
    .executeTakeFirst();
  if (stored !== undefined) return;
  await trx
    .updateTable('licences')
    .set({ portrait_hash: issue.photoHash, updated_at: issue.now })
    .where('licence_number', '=', issue.licenceNumber)
    .execute();
}
