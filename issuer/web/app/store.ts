/*
 * What the phone keeps between visits, in IndexedDB (never localStorage: a CryptoKey can only be
 * kept by structured clone, and it stays non-extractable there). One object store of values by
 * key; everything is removed on sign-out.
 */
const DB_NAME = 'lz-driver';
const STORE = 'kv';

/** What is kept, by key. */
export interface Kept {
  /** The device key pair; its private half was generated non-extractable. */
  deviceKey: CryptoKeyPair;
  /** The device registered with the service for this account. */
  device: { readonly deviceId: number; readonly publicKey: string; readonly account: string };
  /** The credential (compact JWS) and when it was last fetched or checked (ms). */
  credential: { readonly text: string; readonly jti: string; readonly refreshedAt: number };
  /** The last online answer of GET /api/me/licence, and when it came (ms). */
  status: {
    readonly status: string;
    readonly label: { readonly zh: string; readonly en: string };
    readonly points: number;
    readonly usable: boolean;
    readonly reason: string | null;
    readonly at: number;
  };
  /** The portrait (JPEG), with its SHA-256 as the service's ETag said. */
  portrait: { readonly blob: Blob; readonly hash: string };
  /**
   * Set when the service said the e-licence is live on another phone of this account (ms): this
   * phone's credential was superseded there, and only the driver moves it back.
   */
  movedAway: { readonly at: number };
}

let opening: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('IndexedDB: open failed'));
    };
  });
  return opening;
}

async function run<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => {
      resolve(request.result as T);
    };
    tx.onerror = () => {
      reject(tx.error ?? new Error('IndexedDB: transaction failed'));
    };
  });
}

/** The value kept under `key`, or undefined. */
export function load<K extends keyof Kept>(key: K): Promise<Kept[K] | undefined> {
  return run<Kept[K] | undefined>('readonly', (s) => s.get(key));
}

/** Keeps `value` under `key`. */
export async function keep<K extends keyof Kept>(key: K, value: Kept[K]): Promise<void> {
  await run('readwrite', (s) => s.put(value, key));
}

/** Forgets the value under `key`. */
export async function forget(key: keyof Kept): Promise<void> {
  await run('readwrite', (s) => s.delete(key));
}

/** Forgets everything (sign-out, or another account on this phone). */
export async function forgetAll(): Promise<void> {
  await run('readwrite', (s) => s.clear());
}
