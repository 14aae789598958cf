import type { Transaction } from 'kysely';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { KeyStore } from '../keys/key-store.js';
import { signPackedStatusList } from '../sign-status-list.js';
import type { StatusLists, StatusSlot } from './status-lists.js';

/** Entries per list: 2^20 two-bit entries, 256 KiB unpacked, a few KiB compressed. */
export const LIST_CAPACITY = 1 << 20;
/** Entries per verifier status list: 2^16 devices, 16 KiB unpacked, a few dozen bytes sent. */
export const VERIFIER_LIST_CAPACITY = 1 << 16;
const BITS = 2;

/** Which lists a store keeps: its table, the path of their URIs, and entries per list. */
export interface StatusListsOptions {
  readonly table: 'status_lists' | 'verifier_status_lists';
  /** Under the public URL: a list's URI is `${publicUrl}${path}/${id}`. */
  readonly path: string;
  readonly capacity: number;
}

/** The credentials' status lists: `/status/{id}`. */
export const CREDENTIAL_STATUS_LISTS: StatusListsOptions = {
  table: 'status_lists',
  path: '/status',
  capacity: LIST_CAPACITY,
};

/** The verifier certificates' status lists: `/status/verifiers/{id}`, one entry a device. */
export const VERIFIER_STATUS_LISTS: StatusListsOptions = {
  table: 'verifier_status_lists',
  path: '/status/verifiers',
  capacity: VERIFIER_LIST_CAPACITY,
};

/**
 * Status lists kept in the database (the credentials' by default, or those `options` names). Indices come from a counter row updated inside the
 * issuing transaction, so an index is handed out once even across nodes and crashes; statuses
 * change inside the lifecycle's transaction; the signed token is cached in the row and made
 * again only when the list has changed or half its validity has passed.
 */
export function openStatusLists(
  deps: {
    db: Db;
    keys: KeyStore;
    config: Config;
    now: () => number;
  },
  options: StatusListsOptions = CREDENTIAL_STATUS_LISTS,
): StatusLists {
  const { db, keys, config, now } = deps;
  const { capacity } = options;
  // The two tables have the same columns (schema.ts: StatusListTable); one name types both.
  const table = options.table as 'status_lists';
  const uri = (listId: number) => `${config.publicUrl}${options.path}/${listId}`;

  async function allocate(trx: Transaction<Database>): Promise<StatusSlot> {
    for (;;) {
      const current = await trx
        .selectFrom(table)
        .select(['id'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (current !== undefined) {
        const row = await trx
          .updateTable(table)
          .set((eb) => ({ next_index: eb('next_index', '+', 1) }))
          .where('id', '=', current.id)
          .where('next_index', '<', capacity)
          .returning(['next_index'])
          .executeTakeFirst();
        if (row !== undefined) return { listId: current.id, index: row.next_index - 1 };
      }
      // No list yet, or the last is full: open the next one (a concurrent opener makes this a
      // no-op, and the loop takes an index from whichever list exists).
      const id = (current?.id ?? 0) + 1;
      await trx
        .insertInto(table)
        .values({
          id,
          next_index: 0,
          capacity,
          statuses: new Uint8Array((capacity * BITS) / 8),
          version: 0,
          updated_at: now(),
          token: null,
          token_version: -1,
          token_iat: 0,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  }

  const set: StatusLists['set'] = async (trx, entries) => {
    const byList = new Map<number, (typeof entries)[number][]>();
    for (const e of entries) byList.set(e.listId, [...(byList.get(e.listId) ?? []), e]);
    for (const [listId, list] of byList) {
      let query = trx.selectFrom(table).select(['statuses', 'version']).where('id', '=', listId);
      if (db.engine === 'postgres') query = query.forUpdate();
      const row = await query.executeTakeFirstOrThrow();
      const statuses = Uint8Array.from(row.statuses);
      for (const e of list) {
        const bit = e.index * BITS;
        const byte = bit >> 3;
        const shift = bit % 8;
        statuses[byte] = ((statuses[byte] ?? 0) & ~(0b11 << shift)) | (e.value << shift);
      }
      await trx
        .updateTable(table)
        .set({ statuses, version: row.version + 1, updated_at: now() })
        .where('id', '=', listId)
        .execute();
    }
  };

  async function token(
    listId: number,
  ): Promise<{ token: string; version: number; iat: number } | undefined> {
    const row = await db.kysely
      .selectFrom(table)
      .selectAll()
      .where('id', '=', listId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const t = now();
    const signer = keys.current();
    // Re-sign when the list changed, when half of the token's validity has passed, or when the
    // key that signed it no longer signs (after a rotation its public key leaves the JWKS once
    // its credentials expire, and a list must not outlive the key it is verified with).
    if (
      row.token !== null &&
      row.token_version === row.version &&
      t - row.token_iat < config.statusListValidFor / 2 &&
      signedBy(row.token) === signer.kid
    ) {
      return { token: row.token, version: row.version, iat: row.token_iat };
    }
    // The whole list, not only the entries handed out so far: an index handed out after this
    // token was signed must already be in it (it reads 0, valid, as a new credential is), and
    // the published length does not tell how many credentials were issued. The zero tail
    // compresses to almost nothing.
    const signed = await signPackedStatusList(
      {
        uri: uri(listId),
        packed: row.statuses,
        bits: BITS,
        now: new Date(t * 1000),
        validFor: config.statusListValidFor,
        ttl: config.statusListMaxAge,
      },
      signer,
    );
    // Keep it for the other requests (and nodes), unless the list moved on meanwhile.
    await db.kysely
      .updateTable(table)
      .set({ token: signed, token_version: row.version, token_iat: t })
      .where('id', '=', listId)
      .where('version', '=', row.version)
      .execute();
    return { token: signed, version: row.version, iat: t };
  }

  const ids: StatusLists['ids'] = async () =>
    (await db.kysely.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);

  return { uri, allocate, set, token, ids };
}

/** The `kid` in a token's header (our own token, read back from the database). */
function signedBy(token: string): string | undefined {
  const header = JSON.parse(
    Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'),
  ) as { kid?: unknown };
  return typeof header.kid === 'string' ? header.kid : undefined;
}
