/*
 * Sending a code on SQLite shared by two service processes (two nodes on one file, as behind a
 * proxy): the transaction that checks the limits and keeps the code must not fail because the
 * other process wrote meanwhile. Begun DEFERRED, it read first and then could not write: SQLite
 * answered SQLITE_BUSY at once (the reader's snapshot was stale), without waiting out
 * busy_timeout. Every transaction now begins IMMEDIATE (database.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendCode } from '../../issuer/accounts/phone-codes.js';
import { SQLITE_FILE } from '../../issuer/db/database.js';
import { fromRoot } from '../paths.js';
import { useService } from './use-service.js';

/** Another process: takes the write lock, writes a code of another phone, commits 300 ms later. */
const OTHER_WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
db.exec('begin immediate');
db.prepare("insert into phone_codes (phone, purpose, code_hash, sent_at, expires_at, attempts, passed_at) values ('13900000000', 'binding', 'x', 0, 0, 0, null)").run();
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('commit'); db.close(); }, 300);
`;

describe('sending a code while another process writes to the SQLite file', () => {
  const service = useService('sqlite');

  it('when the other process holds the write lock and commits meanwhile, then the code is sent and kept once the lock is free', async () => {
    const file = join(service().deps.config.dataDir, SQLITE_FILE);
    const other = spawn(process.execPath, ['-e', OTHER_WRITER, file], {
      cwd: fromRoot('.'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => other.once('exit', resolve));
    await new Promise<void>((resolve) => {
      other.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('locked')) resolve();
      });
    });
    const phone = '13712349876';
    const outcome = await sendCode(service().deps, phone, 'binding').then(
      () => 'sent',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(await exited).toBe(0);
    expect(outcome).toBe('sent');
    const kept = await service()
      .deps.db.kysely.selectFrom('phone_codes')
      .select('phone')
      .where('phone', 'in', [phone, '13900000000'])
      .orderBy('phone')
      .execute();
    expect(kept.map((k) => k.phone)).toEqual([phone, '13900000000']);
  });
});
