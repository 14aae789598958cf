/** The police app's device store in memory: what one session writes, the next one reads. */
import type { LocalStore, StoreKey } from '../../verifier/web/local-store.js';

export function memoryStore(): LocalStore {
  const values = new Map<StoreKey, unknown>();
  return {
    get: <T>(key: StoreKey) => Promise.resolve(values.get(key) as T | undefined),
    set: (key, value) => {
      values.set(key, structuredClone(value));
      return Promise.resolve();
    },
    delete: (key) => {
      values.delete(key);
      return Promise.resolve();
    },
  };
}
