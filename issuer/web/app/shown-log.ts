/*
 * The phone's own record of the codes it showed (出示记录): when, for which purpose, which
 * groups. Kept on the phone only (store.ts), the newest first, at most MAX_SHOWN_LOG entries;
 * the driver reads it on its screen and may clear it. One entry each time the driver picks a
 * purpose and its code appears, not one per refresh of the dynamic code: a refresh shows the
 * same things to the same checker. A code answering a verifier's signed request also notes who
 * asked, as its certificate names it.
 */
import type { Role } from '../../../shared/request/certificate.js';
import type { GroupIndex, Purpose } from '../../../shared/sd/groups.js';

/** Entries kept: the last this many showings. */
export const MAX_SHOWN_LOG = 100;

/** One showing: no licence value, only what kind of code it was. */
export interface ShownEntry {
  /** When the code first appeared (ms). */
  readonly at: number;
  readonly purpose: Purpose;
  /** The groups disclosed, in index order. */
  readonly groups: readonly GroupIndex[];
  /** 1: an older credential, shown whole whatever the purpose; 2: by purpose. */
  readonly version: 1 | 2;
  /** For a code answering a verifier's request: who asked (its certificate's org and role). */
  readonly verifier?: { readonly org: string; readonly role: Role };
}

/** The log with `entry` added in front, cut to the newest `max` entries. */
export function withEntry(
  log: readonly ShownEntry[] | undefined,
  entry: ShownEntry,
  max = MAX_SHOWN_LOG,
): ShownEntry[] {
  return [entry, ...(log ?? [])].slice(0, max);
}
