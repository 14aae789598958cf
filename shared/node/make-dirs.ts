import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes the folder `dir` and any missing parent, each with `mode`; a folder that is there
 * already is left as it is. Node's own `mkdir(dir, { recursive: true })` never returns when a
 * file system answers ENOENT for a folder whose parent exists (`/proc/x`: it tries again
 * without end); this one tries each folder at most twice, then passes the error on.
 * @throws the file system's error (ENOENT, EACCES, ENOTDIR, EEXIST for a file in the way, …).
 */
export function makeDirs(dir: string, mode: number): void {
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    makeDirs(parent, mode);
    mkdirSync(dir, { mode });
  }
}
