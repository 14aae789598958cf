/**
 * The app's data on the device, in IndexedDB: trusted keys, status lists, the trusted-time
 * record, settings and history. One object store of values by key; each value is replaced whole.
 */

const DB_NAME = 'liangzheng-verifier';
const STORE = 'kv';

/** Keys of what is kept. */
export type StoreKey = 'jwks' | 'lists' | 'clock' | 'settings' | 'history';

/** The app's IndexedDB, opened once. */
export interface LocalStore {
  get<T>(key: StoreKey): Promise<T | undefined>;
  set(key: StoreKey, value: unknown): Promise<void>;
  delete(key: StoreKey): Promise<void>;
}

/**
 * Opens (creating on first use) the app's database.
 * @throws {Error} when IndexedDB is unavailable or refuses.
 */
export async function openLocalStore(): Promise<LocalStore> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('IndexedDB: open failed'));
    };
  });
  const run = <T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = op(tx.objectStore(STORE));
      tx.oncomplete = () => {
        resolve(request.result as T);
      };
      tx.onerror = () => {
        reject(tx.error ?? new Error('IndexedDB: transaction failed'));
      };
      tx.onabort = () => {
        reject(tx.error ?? new Error('IndexedDB: transaction aborted'));
      };
    });
  return {
    get: <T>(key: StoreKey) => run<T | undefined>('readonly', (s) => s.get(key)),
    set: async (key, value) => {
      await run('readwrite', (s) => s.put(value, key));
    },
    delete: async (key) => {
      await run('readwrite', (s) => s.delete(key));
    },
  };
}
