/*
 * A temporary folder for the tests of a describe block: made before them, removed after them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Makes a folder `prefix…` in the system's temporary folder before the tests of the calling
 * describe block and removes it, with all it holds, after them.
 * @returns the folder's path, for the tests (not before they run).
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('the folder is made before the tests: use it in one');
    return dir;
  };
}
