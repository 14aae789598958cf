/*
 * DATA_DIR holds the SQLite database and the private keys: its files are the owner's only, and
 * a production start refuses a folder that others may read.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_FILE } from '../../issuer/db/database.js';
import { VAPID_FILE } from '../../issuer/notify/web-push.js';
import { startService, type TestService } from './harness.js';
import { PRODUCTION_GATEWAYS } from './production-env.js';

const MAIN = fileURLToPath(new URL('../../issuer/main.ts', import.meta.url));

async function modeOf(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8).padStart(4, '0');
}

describe('the files in DATA_DIR', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService('sqlite');
    // A write, so that SQLite has made its WAL and shared-memory files.
    await service.client().get('/healthz');
  });
  afterAll(async () => {
    await service.close();
  });

  it('when the service has started, then the database, its WAL and -shm, and the key files are 0600', async () => {
    const dir = service.deps.config.dataDir;
    const [keyFolder] = await readdir(join(dir, 'keys'));
    const files = [
      SQLITE_FILE,
      `${SQLITE_FILE}-wal`,
      `${SQLITE_FILE}-shm`,
      VAPID_FILE,
      join('keys', keyFolder ?? '(none)', 'private.jwk.json'),
    ];
    const modes = Object.fromEntries(
      await Promise.all(files.map(async (f) => [f, await modeOf(join(dir, f))] as const)),
    );
    expect(modes).toEqual(Object.fromEntries(files.map((f) => [f, '0600'])));
    expect(await modeOf(join(dir, 'keys'))).toBe('0700');
  });
});

describe('a database file made by an older version', () => {
  it('when it is 0644, with its WAL, then opening it makes both 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lz-modes-'));
    try {
      const first = openDatabase({ dataDir: dir });
      await first.close();
      await writeFile(join(dir, `${SQLITE_FILE}-wal`), '');
      await chmod(join(dir, SQLITE_FILE), 0o644);
      await chmod(join(dir, `${SQLITE_FILE}-wal`), 0o644);
      const db = openDatabase({ dataDir: dir });
      await db.close();
      expect([
        await modeOf(join(dir, SQLITE_FILE)),
        await modeOf(join(dir, `${SQLITE_FILE}-wal`)),
      ]).toEqual(['0600', '0600']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Runs the service's entry point until it exits; its exit code and stderr. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 30_000,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

describe('a start with a DATA_DIR that cannot be made', () => {
  // Node's recursive mkdir never returned for /proc/x: the service hung before it listened.
  it('when DATA_DIR is a file, is under a file, or is where the file system refuses a folder (/proc/x), then exit 2 naming DATA_DIR and the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lz-bad-dir-'));
    try {
      await writeFile(join(dir, 'a-file'), 'x');
      const env = { PORT: '0', LOG_LEVEL: 'silent' };
      const [isFile, underFile, proc] = await Promise.all([
        start({ ...env, DATA_DIR: join(dir, 'a-file') }),
        start({ ...env, DATA_DIR: join(dir, 'a-file', 'data') }),
        start({ ...env, DATA_DIR: '/proc/x' }),
      ]);
      expect([isFile, underFile, proc]).toEqual([
        {
          code: 2,
          stderr: `liangzheng issuer: DATA_DIR ${join(dir, 'a-file')}: expected a folder, found another kind of file\n`,
        },
        {
          code: 2,
          stderr: `liangzheng issuer: DATA_DIR ${join(dir, 'a-file', 'data')}: expected a folder that can be made or used, found ENOTDIR making it\n`,
        },
        {
          code: 2,
          stderr:
            'liangzheng issuer: DATA_DIR /proc/x: expected a folder that can be made or used, found ENOENT making it\n',
        },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a production start', () => {
  it('when DATA_DIR is 0755, then it refuses to start: exit 2, saying what mode is expected and found', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lz-prod-'));
    try {
      await chmod(dir, 0o755);
      const { code, stderr } = await start({
        ...PRODUCTION_GATEWAYS,
        NODE_ENV: 'production',
        DATA_DIR: dir,
        PORT: '0',
        DEMO: 'false',
        PUBLIC_URL: 'https://issuer.test',
        TRUST_PROXY: '10.0.0.1',
        VAPID_SUBJECT: 'mailto:operations@issuer.test',
        LOG_LEVEL: 'silent',
      });
      expect({ code, stderr }).toEqual({
        code: 2,
        stderr: `liangzheng issuer: DATA_DIR ${dir}: expected mode 0700 (keys and the database inside; no access for group or others), found mode 0755; run chmod 700 on it\n`,
      });
      // Nothing was made in it.
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
