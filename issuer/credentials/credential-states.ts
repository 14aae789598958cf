import type { Transaction } from 'kysely';
import { STATUS, type StatusValue } from '../../shared/status-list.js';
import type { CredentialTable, Database } from '../db/schema.js';
import type { StatusLists, StatusSlot } from '../status/status-lists.js';
import { LIVE } from './internal/live.js';

/*
 * The states of an issued credential and the moves between them: the one table that issuance,
 * refresh, take-over by another phone, re-issue after a key rotation, a photo change and the
 * licence's lifecycle changes all go through.
 *
 * A status entry (a list and an index: a *slot*) belongs to one licence on one device. Its
 * credentials are that phone's successive e-licences: the latest is `live`, the earlier ones
 * `refreshed`. While the slot has a live credential it is *held*, and its entry follows the
 * licence's status (valid, suspended). A slot *ends* when it is superseded (another phone took
 * the e-licence up, the photo changed, the licence was renewed, replaced or amended) or revoked:
 * then every credential of the slot moves at once, and its entry is set to SUPERSEDED or INVALID
 * for good. Nothing writes an ended entry again: a lifecycle change of status moves the held
 * entry only. So no sequence of operations can return a superseded or revoked code to valid.
 *
 *   live ──refresh──▶ refreshed        (the new credential takes over the slot, still held)
 *   live, refreshed ──supersede──▶ superseded   (the whole slot; entry SUPERSEDED)
 *   live, refreshed ──revoke──▶ revoked         (the whole slot; entry INVALID)
 */

/** The state of one credential row. */
export type CredentialState = CredentialTable['state'];

/** A move that ends a slot. */
export type SlotEnd = 'supersede' | 'revoke';

/** What each move does: the states it moves from, the state it leaves, the entry it writes. */
export const CREDENTIAL_TRANSITIONS = {
  refresh: { from: ['live'], to: 'refreshed' },
  supersede: { from: ['live', 'refreshed'], to: 'superseded', entry: STATUS.SUPERSEDED },
  revoke: { from: ['live', 'refreshed'], to: 'revoked', entry: STATUS.INVALID },
} as const satisfies Record<
  'refresh' | SlotEnd,
  { from: readonly CredentialState[]; to: CredentialState; entry?: StatusValue }
>;

/** The held slot of a licence: the live credential's (one at most, `one_live_credential`). */
export async function heldSlot(
  trx: Transaction<Database>,
  licenceNumber: string,
): Promise<(StatusSlot & { readonly jti: string; readonly deviceId: number }) | undefined> {
  const row = await trx
    .selectFrom('credentials')
    .select(['jti', 'device_id', 'list_id', 'status_index'])
    .where('licence_number', '=', licenceNumber)
    .where('state', '=', LIVE)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { jti: row.jti, deviceId: row.device_id, listId: row.list_id, index: row.status_index };
}

/**
 * Refresh: the live credentials `jtis` become `refreshed`, for new ones that take their slots
 * in the same transaction. Returns the jtis that were still live (a credential that changed
 * meanwhile is left to whoever changed it).
 */
export async function refreshLive(
  trx: Transaction<Database>,
  jtis: readonly string[],
): Promise<string[]> {
  if (jtis.length === 0) return [];
  const rows = await trx
    .updateTable('credentials')
    .set({ state: CREDENTIAL_TRANSITIONS.refresh.to })
    .where('jti', 'in', jtis)
    .where('state', '=', LIVE)
    .returning('jti')
    .execute();
  return rows.map((r) => r.jti);
}

/** Ends one slot: every credential in it that is not ended yet, and its entry, for good. */
export async function endSlot(
  deps: { readonly statusLists: StatusLists },
  trx: Transaction<Database>,
  slot: StatusSlot,
  end: SlotEnd,
): Promise<void> {
  await endSlots(deps, trx, [slot], end);
}

/**
 * Ends every slot of a licence that is not ended yet (a renewal, a replacement, an amendment, a
 * revocation). Slots that ended before keep the entry they ended with.
 */
export async function endSlotsOfLicence(
  deps: { readonly statusLists: StatusLists },
  trx: Transaction<Database>,
  licenceNumber: string,
  end: SlotEnd,
): Promise<void> {
  const slots = await trx
    .selectFrom('credentials')
    .select(['list_id', 'status_index'])
    .distinct()
    .where('licence_number', '=', licenceNumber)
    .where('state', 'in', CREDENTIAL_TRANSITIONS[end].from)
    .execute();
  await endSlots(
    deps,
    trx,
    slots.map((s) => ({ listId: s.list_id, index: s.status_index })),
    end,
  );
}

/** Ends `slots`: their credentials not ended yet move at once, their entries are set in one go. */
async function endSlots(
  deps: { readonly statusLists: StatusLists },
  trx: Transaction<Database>,
  slots: readonly StatusSlot[],
  end: SlotEnd,
): Promise<void> {
  if (slots.length === 0) return;
  const move = CREDENTIAL_TRANSITIONS[end];
  await trx
    .updateTable('credentials')
    .set({ state: move.to })
    .where((eb) =>
      eb.or(
        slots.map((s) => eb.and([eb('list_id', '=', s.listId), eb('status_index', '=', s.index)])),
      ),
    )
    .where('state', 'in', move.from)
    .execute();
  await deps.statusLists.set(
    trx,
    slots.map((s) => ({ listId: s.listId, index: s.index, value: move.entry })),
  );
}

/**
 * The licence's status changed without ending its e-licence (suspended, restored): its held slot's
 * entry takes `value`. An ended slot is never written here.
 */
export async function setHeldEntry(
  deps: { readonly statusLists: StatusLists },
  trx: Transaction<Database>,
  licenceNumber: string,
  value: typeof STATUS.VALID | typeof STATUS.SUSPENDED,
): Promise<void> {
  const held = await heldSlot(trx, licenceNumber);
  if (held === undefined) return;
  await deps.statusLists.set(trx, [{ listId: held.listId, index: held.index, value }]);
}
