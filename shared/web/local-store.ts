/**
 * What a web app keeps on the device, in IndexedDB (never localStorage: a CryptoKey can only be
 * kept by structured clone, and stays non-extractable there). One object store of values by key,
 * each value replaced whole; the database is opened at the first use.
 */
const STORE = 'kv';

/** An app's values by key. */
export interface KeyValueStore<K extends string> {
  get<T>(key: K): Promise<T | undefined>;
  set(key: K, value: unknown): Promise<void>;
  delete(key: K): Promise<void>;
  /** Removes every value. */
  clear(): Promise<void>;
}

/**
 * The store of the database `name` (created on first use). Each call rejects with an Error when
 * IndexedDB is unavailable or refuses.
 */
export function keyValueStore<K extends string>(name: string): KeyValueStore<K> {
  let opening: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> =>
    (opening ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE);
      };
      request.onsuccess = () => {
        resolve(request.result);
      };
      request.onerror = () => {
        reject(request.error ?? new Error('IndexedDB: open failed'));
      };
    }));
  const run = async <T>(
    mode: IDBTransactionMode,
    work: (store: IDBObjectStore) => IDBRequest,
  ): Promise<T> => {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
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
  };
  return {
    get: <T>(key: K) => run<T | undefined>('readonly', (s) => s.get(key)),
    set: async (key, value) => {
      await run('readwrite', (s) => s.put(value, key));
    },
    delete: async (key) => {
      await run('readwrite', (s) => s.delete(key));
    },
    clear: async () => {
      await run('readwrite', (s) => s.clear());
    },
  };
}
