/*
 * Transactions on SQLite shared by two service processes (two nodes on one file, as behind a
 * proxy). A transaction that reads and then writes must not fail because the other process wrote
 * in between: begun as SQLite's default (deferred), it holds a snapshot from its first read, and
 * its first write then fails at once with SQLITE_BUSY_SNAPSHOT, whatever busy_timeout says.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../issuer/db/database.js';
import { fromRoot } from '../paths.js';
import { useService } from './use-service.js';

/** Another process: says it is about to write, writes a code of another phone and commits. */
const OTHER_WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
process.stdout.write('writing\\n');
db.exec('begin immediate');
db.prepare("insert into phone_codes (phone, purpose, code_hash, sent_at, expires_at, attempts, passed_at) values ('13900000001', 'binding', 'x', 0, 0, 0, null)").run();
db.exec('commit');
db.close();
`;

describe('a transaction that reads, then writes, while another process writes to the SQLite file', () => {
  const service = useService('sqlite');

  it('when the other process writes between the read and the write, then both writes are kept', async () => {
    const { kysely } = service().deps.db;
    const file = join(service().deps.config.dataDir, SQLITE_FILE);
    let exited: Promise<number | null> = Promise.resolve(null);
    const outcome = await kysely
      .transaction()
      .execute(async (trx) => {
        const before = await trx
          .selectFrom('phone_codes')
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow();
        const other = spawn(process.execPath, ['-e', OTHER_WRITER, file], {
          cwd: fromRoot('.'),
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        exited = new Promise((resolve) => other.once('exit', resolve));
        await new Promise<void>((resolve) => {
          other.stdout.on('data', (chunk: Buffer) => {
            if (chunk.toString('utf8').includes('writing')) resolve();
          });
        });
        // Time for the other process to write, if it can.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await trx
          .insertInto('phone_codes')
          .values({
            phone: '13712340000',
            purpose: 'binding',
            code_hash: 'y',
            sent_at: before.n,
            expires_at: 0,
            attempts: 0,
            passed_at: null,
          })
          .execute();
      })
      .then(
        () => 'committed',
        (error: unknown) => (error as { code?: string }).code ?? String(error),
      );
    expect(await exited).toBe(0);
    expect(outcome).toBe('committed');
    const kept = await kysely
      .selectFrom('phone_codes')
      .select('phone')
      .where('phone', 'in', ['13712340000', '13900000001'])
      .orderBy('phone')
      .execute();
    expect(kept.map((k) => k.phone)).toEqual(['13712340000', '13900000001']);
  });
});
