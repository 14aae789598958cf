/**
 * The app's data on the device (shared/web/local-store.ts): trusted keys, status lists, the
 * trusted-time record, settings and history; the device key, its certificate and the nonces of
 * the answers accepted.
 */
import { keyValueStore, type KeyValueStore } from '../../shared/web/local-store.js';

const DB_NAME = 'liangzheng-verifier';

/** Keys of what is kept. */
export type StoreKey =
  'jwks' | 'lists' | 'clock' | 'settings' | 'history' | 'deviceKey' | 'certificate' | 'answered';

/** What the app reads and writes there. */
export type LocalStore = Pick<KeyValueStore<StoreKey>, 'get' | 'set' | 'delete'>;

/** The app's database (created on first use). */
export function openLocalStore(): LocalStore {
  return keyValueStore<StoreKey>(DB_NAME);
}
