/**
 * The verifier as a third party gets it: the package packed with `npm pack`, installed into an
 * empty folder, `liangzheng/verifier` imported by a TypeScript file that is type-checked against
 * the emitted declarations and then run on the reference presentation. Only the public entry
 * point resolves: a deep path into the package is refused by its `exports`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VECTORS = fileURLToPath(new URL('../vectors/', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** What a third party writes: the README's example, with the reference vectors. */
const CHECK = `
import { readFileSync } from 'node:fs';
import {
  createTrustStore,
  nodeBackend,
  verifyPresentation,
  type VerificationReport,
} from 'liangzheng/verifier';

interface Case { id: string; text: string; now: string }
const vectors = ${JSON.stringify(VECTORS)};
const file = JSON.parse(readFileSync(vectors + 'presentations.json', 'utf8')) as { cases: Case[] };
const jwks: unknown = JSON.parse(readFileSync(vectors + 'keys/issuer.jwks.json', 'utf8'));
const reference = file.cases.find((c) => c.id === 'valid-no-status-list');
if (reference === undefined) throw new Error('no reference case');
const trust = createTrustStore([jwks], nodeBackend);
const report: VerificationReport = verifyPresentation(reference.text, {
  trust,
  now: new Date(reference.now),
});
console.log(JSON.stringify({ valid: report.valid, warnings: report.warnings }));
`;

describe('the packed verifier package', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lz-package-'));
    // The build is the test run's (pretest); packing must not build again under other tests.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack made no tarball');
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'third-party', private: true, type: 'module' }),
    );
    // From npm's cache where it can: the project's own install has filled it.
    await run(
      'npm',
      [
        'install',
        '--ignore-scripts',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(dir, tarball),
      ],
      { cwd: dir },
    );
  }, 240_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when a TypeScript file imports liangzheng/verifier, then it type-checks and verifies the reference presentation', async () => {
    await writeFile(join(dir, 'check.ts'), CHECK);
    await run(
      process.execPath,
      [
        TSC,
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        'false',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        '--types',
        'node',
        'check.ts',
      ],
      { cwd: dir },
    );
    const { stdout } = await run(process.execPath, ['check.js'], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual({ valid: true, warnings: ['WARN_STATUS_UNCHECKED'] });
  }, 60_000);

  it('when a deep path into the package is imported, then its exports refuse it', async () => {
    const reply = await run(
      process.execPath,
      ['--input-type=module', '-e', "await import('liangzheng/dist/verifier/index.js')"],
      { cwd: dir },
    ).catch((error: unknown) => error as { stderr: string });
    expect('stderr' in reply ? reply.stderr : '').toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
