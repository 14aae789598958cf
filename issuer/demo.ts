import type { ServiceDeps } from './deps.js';

/** Loads the demo registry and demo staff into an empty database; returns lines to print. */
export async function seedDemo(_deps: ServiceDeps): Promise<string[]> {
  return Promise.resolve([]);
}
