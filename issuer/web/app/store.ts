/*
 * What the phone keeps between visits (shared/web/local-store.ts); everything is removed on
 * sign-out.
 */
import { keyValueStore } from '../../../shared/web/local-store.js';
import type { LicenceStatus } from './replies.js';
import type { ShownEntry } from './shown-log.js';
import type { KeptAuthority, KeptVerifierLists } from './verifier-request.js';

const DB_NAME = 'lz-driver';

/** What is kept, by key. */
export interface Kept {
  /** The device key pair; its private half was generated non-extractable. */
  deviceKey: CryptoKeyPair;
  /** The device registered with the service for this account. */
  device: { readonly deviceId: number; readonly publicKey: string; readonly account: string };
  /**
   * The credential (compact JWS) and when it was last fetched or checked (ms); with format
   * version 2, the holder's copy (FORMAT.md §8.4) the codes are made from. A version 1
   * credential kept from before has none, and is replaced at the next refresh.
   */
  credential: {
    readonly text: string;
    readonly jti: string;
    readonly refreshedAt: number;
    readonly holderCopy?: string;
  };
  /** The last online answer of GET /api/me/licence, and when it came (ms). */
  status: Readonly<LicenceStatus> & { readonly at: number };
  /** The portrait (JPEG), with its SHA-256 as the service's ETag said. */
  portrait: { readonly blob: Blob; readonly hash: string };
  /**
   * Set when the service said the e-licence is live on another phone of this account (ms): this
   * phone's credential was superseded there, and only the driver moves it back.
   */
  movedAway: { readonly at: number };
  /** The codes shown on this phone, newest first (shown-log.ts). */
  shownLog: readonly ShownEntry[];
  /** The authority's public keys (its JWKS): a verifier's request is checked offline with them. */
  authority: KeptAuthority;
  /** The verifier status lists, verified when fetched: whether a verifier's certificate stands. */
  verifierLists: KeptVerifierLists;
  /** How far the service's clock is ahead of this phone's (ms; phone-clock.ts). */
  clockOffset: { readonly offsetMs: number };
}

const db = keyValueStore<keyof Kept>(DB_NAME);

/** The value kept under `key`, or undefined. */
export function load<K extends keyof Kept>(key: K): Promise<Kept[K] | undefined> {
  return db.get<Kept[K]>(key);
}

/** Keeps `value` under `key`. */
export function keep<K extends keyof Kept>(key: K, value: Kept[K]): Promise<void> {
  return db.set(key, value);
}

/** Forgets the value under `key`. */
export function forget(key: keyof Kept): Promise<void> {
  return db.delete(key);
}

/** Forgets everything (sign-out, or another account on this phone). */
export function forgetAll(): Promise<void> {
  return db.clear();
}
