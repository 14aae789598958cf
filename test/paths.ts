/*
 * Where the repository's test files are, found from the repository root: the same whether this
 * module runs from its source (test/) or compiled for the bench (dist/test/).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The nearest folder at or above `start` that holds a package.json. */
function rootFrom(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json at or above ${start}`);
  }
}

/** The repository root: the folder of package.json. */
export const ROOT = rootFrom(dirname(fileURLToPath(import.meta.url)));

/** A path under the repository root, e.g. `fromRoot('test/fixtures/x.json')`. */
export function fromRoot(...parts: string[]): string {
  return join(ROOT, ...parts);
}

/** The same as a file URL; a folder's ends with `/`, so `new URL(name, folder)` finds its files. */
export function urlFromRoot(...parts: string[]): URL {
  return pathToFileURL(fromRoot(...parts));
}
