/*
 * Which database errors mean "try again later" (503 ERR_UNAVAILABLE) rather than a fault of the
 * service (500): real errors from both drivers, not made-up objects.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isUniqueViolation } from '../../issuer/db/errors.js';
import { ENGINES, POSTGRES_URL } from './harness.js';

/** What `run` throws. */
async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

describe('SQLite errors', () => {
  let dir = '';
  let holder: SQLite.Database;
  let other: SQLite.Database;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lz-db-errors-'));
    holder = new SQLite(join(dir, 'x.sqlite'));
    holder.pragma('journal_mode = WAL');
    holder.exec('create table t (k text primary key)');
    other = new SQLite(join(dir, 'x.sqlite'));
    other.pragma('busy_timeout = 0');
  });
  afterAll(async () => {
    holder.close();
    other.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('when another connection holds the write lock past the busy timeout, then SQLITE_BUSY is unavailable', async () => {
    holder.exec('begin immediate');
    try {
      const error = await thrown(() => other.exec('begin immediate'));
      expect((error as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      holder.exec('rollback');
    }
  });

  it('when a row breaks a constraint or a statement does not parse, then it is not unavailable', async () => {
    holder.prepare('insert into t (k) values (?)').run('a');
    const duplicate = await thrown(() => holder.prepare('insert into t (k) values (?)').run('a'));
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    const syntax = await thrown(() => holder.exec('selekt 1'));
    expect((syntax as { code?: string }).code).toBe('SQLITE_ERROR');
    expect(isDatabaseUnavailable(syntax)).toBe(false);
  });
});

describe('PostgreSQL errors', () => {
  it('when nothing listens at the address, then the refused connection is unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const client = new pg.Client({
      connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
    });
    const error = await thrown(() => client.connect());
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('when the server ends a connection, then the error of the next query on it is unavailable', async () => {
    // A server that accepts and at once hangs up: node-postgres says the connection terminated.
    const rude = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    const { port } = rude.address() as AddressInfo;
    try {
      const client = new pg.Client({
        connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
      });
      const error = await thrown(() => client.connect());
      expect((error as Error).message).toBe('Connection terminated unexpectedly');
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      rude.close();
    }
  });

  it.skipIf(!ENGINES.includes('postgres'))(
    'when PostgreSQL answers a bad query, a unique violation or a division by zero, then none is unavailable; an administrator ending the connection is',
    async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      client.on('error', () => undefined);
      try {
        const syntax = await thrown(() => client.query('selekt 1'));
        expect((syntax as { code?: string }).code).toBe('42601');
        expect(isDatabaseUnavailable(syntax)).toBe(false);
        const zero = await thrown(() => client.query('select 1 / 0'));
        expect((zero as { code?: string }).code).toBe('22012');
        expect(isDatabaseUnavailable(zero)).toBe(false);
        await client.query('create temporary table t (k int primary key)');
        await client.query('insert into t values (1)');
        const unique = await thrown(() => client.query('insert into t values (1)'));
        expect(isUniqueViolation(unique)).toBe(true);
        expect(isDatabaseUnavailable(unique)).toBe(false);
        const ended = await thrown(() =>
          client.query('select pg_terminate_backend(pg_backend_pid())'),
        );
        expect((ended as { code?: string }).code).toBe('57P01');
        expect(isDatabaseUnavailable(ended)).toBe(true);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  );

  it('when the error is not an Error, then it is not unavailable', () => {
    expect(isDatabaseUnavailable({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
