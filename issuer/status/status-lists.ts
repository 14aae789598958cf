import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { StatusValue } from '../../shared/status-list.js';

/** Where a credential's status lives. */
export interface StatusSlot {
  readonly listId: number;
  readonly index: number;
}

/** The authority's status lists (IETF Token Status List, 2 bits an entry). */
export interface StatusLists {
  /** The list URI of `listId`: `${publicUrl}/status/${listId}` (verifiers': `/status/verifiers/`). */
  uri(listId: number): string;
  /** Hands out the next unused index, inside the caller's transaction; never the same twice. */
  allocate(trx: Transaction<Database>): Promise<StatusSlot>;
  /** Sets statuses inside the caller's transaction; the list's version moves on. */
  set(
    trx: Transaction<Database> | Kysely<Database>,
    entries: readonly (StatusSlot & { value: StatusValue })[],
  ): Promise<void>;
  /** The signed token of the list as it is now (re-signed only when it changed). */
  token(listId: number): Promise<{ token: string; version: number; iat: number } | undefined>;
  /** The ids of the lists opened so far, in order. */
  ids(): Promise<number[]>;
}
