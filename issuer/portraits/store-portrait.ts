import type { Transaction } from 'kysely';
import type { Database, PortraitSource } from '../db/schema.js';

/** A portrait to keep as the current one of a licence. */
export interface PortraitToStore {
  readonly licenceNumber: string;
  /** The JPEG as the pre-check re-encoded it. */
  readonly photo: Uint8Array;
  /** SHA-256 (base64url) of `photo`: what a credential's `ph` will carry. */
  readonly hash: string;
  readonly source: PortraitSource;
  readonly now: number;
}

/**
 * Makes `photo` the current portrait of a licence, inside the caller's transaction: the
 * `portraits` row is written (or replaced) and `licences.portrait_hash` set to its hash, so that
 * the two never disagree. Credentials issued from now on carry this hash; older ones keep the
 * old hash and no longer find a portrait.
 * @returns the hash the licence had before (null when none).
 * @throws {Error} when the licence does not exist (the caller checks first).
 */
export async function storePortrait(
  trx: Transaction<Database>,
  portrait: PortraitToStore,
): Promise<{ before: string | null }> {
  const licence = await trx
    .selectFrom('licences')
    .select('portrait_hash')
    .where('licence_number', '=', portrait.licenceNumber)
    .executeTakeFirst();
  if (licence === undefined) throw new Error('storePortrait: no such licence');
  const row = {
    photo: portrait.photo,
    hash: portrait.hash,
    source: portrait.source,
    updated_at: portrait.now,
  };
  await trx
    .insertInto('portraits')
    .values({ licence_number: portrait.licenceNumber, ...row })
    .onConflict((oc) => oc.column('licence_number').doUpdateSet(row))
    .execute();
  await trx
    .updateTable('licences')
    .set({ portrait_hash: portrait.hash, updated_at: portrait.now })
    .where('licence_number', '=', portrait.licenceNumber)
    .execute();
  return { before: licence.portrait_hash };
}
