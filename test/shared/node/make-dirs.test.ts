import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirs } from '../../../shared/node/make-dirs.js';

const errorCode = (fn: () => void): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
  return undefined;
};

describe('makeDirs', () => {
  const root = mkdtempSync(join(tmpdir(), 'lz-make-dirs-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('when three folders are missing, then it makes all three, each mode 0700; when run again, then nothing changes', () => {
    const dir = join(root, 'a', 'b', 'c');
    makeDirs(dir, 0o700);
    for (const d of [join(root, 'a'), join(root, 'a', 'b'), dir]) {
      expect(statSync(d).isDirectory()).toBe(true);
      expect(statSync(d).mode & 0o777).toBe(0o700);
    }
    expect(
      errorCode(() => {
        makeDirs(dir, 0o700);
      }),
    ).toBeUndefined();
  });

  it('when a file stands where the folder or a parent would be, then EEXIST or ENOTDIR', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect(
      errorCode(() => {
        makeDirs(file, 0o700);
      }),
    ).toBe('EEXIST');
    expect(
      errorCode(() => {
        makeDirs(join(file, 'below'), 0o700);
      }),
    ).toBe('ENOTDIR');
  });

  // Node's recursive mkdir never returns here: /proc answers ENOENT for a new folder.
  it('when the file system refuses the folder with ENOENT although its parent exists (/proc/x), then ENOENT, at once', () => {
    expect(
      errorCode(() => {
        makeDirs('/proc/x/y', 0o700);
      }),
    ).toBe('ENOENT');
    expect(
      errorCode(() => {
        makeDirs('/proc/x', 0o700);
      }),
    ).toBe('ENOENT');
  });
});
