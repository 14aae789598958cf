import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { calendarCoverage } from '../../issuer/calendar/calendar-coverage.js';
import { CONNECT_TIMEOUT_MS, openDatabase } from '../../issuer/db/database.js';
import { DRAIN_MS } from '../../issuer/service.js';
import { ENGINES, POSTGRES_URL, startService } from './harness.js';
import { useService } from './use-service.js';

describe.each(ENGINES)('the service on %s', (engine) => {
  const service = useService(engine);

  it("when the database answers, then /healthz is 200, with the working calendar's reach", async () => {
    const reply = await service().client().get('/healthz');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      status: 'ok',
      calendar: calendarCoverage(service().deps.calendar, service().now()),
    });
  });

  it('when asked for the keys, then /.well-known/jwks.json lists the one signing key, public only', async () => {
    const reply = await service()
      .client()
      .get<{ keys: Record<string, unknown>[] }>('/.well-known/jwks.json');
    expect(reply.status).toBe(200);
    // RFC 7517 §8.5.1.
    expect(reply.headers.get('content-type')).toBe('application/jwk-set+json; charset=utf-8');
    expect(reply.body.keys).toHaveLength(1);
    expect(reply.body.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      kid: service().deps.keys.current().kid,
    });
    expect(reply.body.keys[0]).not.toHaveProperty('d');
  });

  it('when a route does not exist, then 404 problem+json with a code', async () => {
    const reply = await service().client().get<{ code: string }>('/api/nothing-here');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body.code).toBe('ERR_NOT_FOUND');
  });

  it('when the list does not exist yet, then /status/1 is 404', async () => {
    expect((await service().client().get('/status/1')).status).toBe(404);
  });

  it('when asked for the index of status lists, then /status names the issuer and every list, and each one it names is served', async () => {
    const client = service().client();
    const { publicUrl } = service().deps.config;
    const before = await client.get<{ iss: string; lists: string[] }>('/status');
    expect([before.status, before.body]).toEqual([200, { iss: publicUrl, lists: [] }]);
    const db = service().deps.db.kysely;
    const slot = await db.transaction().execute((trx) => service().deps.statusLists.allocate(trx));
    const after = await client.get<{ iss: string; lists: string[] }>('/status');
    expect(after.body).toEqual({ iss: publicUrl, lists: [`${publicUrl}/status/${slot.listId}`] });
    expect(after.headers.get('cache-control')).toBe(
      `public, max-age=${service().deps.config.statusListMaxAge}`,
    );
    const list = await client.get(new URL(after.body.lists[0] as string).pathname);
    expect([list.status, list.headers.get('content-type')]).toEqual([
      200,
      'application/statuslist+jwt; charset=utf-8',
    ]);
  });
});

describe('durability on sqlite', () => {
  it('when the service has opened its SQLite database, then the connection syncs every commit (PRAGMA synchronous is 2, FULL)', async () => {
    const service = await startService('sqlite');
    try {
      const { rows } = await sql<{
        synchronous: number;
      }>`pragma synchronous`.execute(service.deps.db.kysely);
      expect(rows).toEqual([{ synchronous: 2 }]);
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(
        service.deps.db.kysely,
      );
      expect(journal.rows).toEqual([{ journal_mode: 'wal' }]);
    } finally {
      await service.close();
    }
  });
});

describe.each(ENGINES)('/healthz on %s', (engine) => {
  it('when the database stops answering, then /healthz is 503', async () => {
    const service = await startService(engine);
    try {
      const http = service.client();
      expect((await http.get('/healthz')).status).toBe(200);
      await service.deps.db.kysely.destroy();
      const reply = await http.get('/healthz');
      expect([reply.status, reply.body]).toEqual([
        503,
        {
          status: 'database unavailable',
          calendar: calendarCoverage(service.deps.calendar, service.now()),
        },
      ]);
    } finally {
      await service.close();
    }
  });
});

describe.skipIf(!ENGINES.includes('postgres'))('PostgreSQL ending connections', () => {
  it('when PostgreSQL ends the connections of the pool, idle ones and one in a transaction, then the transaction fails, each is said once in the log, and the service goes on answering', async () => {
    const log = new PassThrough();
    let logged = '';
    log.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
    const service = await startService('postgres', { log });
    let ended = () => {};
    try {
      const { kysely } = service.deps.db;
      // Three queries at once: three connections of the pool, and their server processes.
      const pids = await Promise.all(
        [0, 1, 2].map(async () => {
          const { rows } = await sql<{
            pid: number;
          }>`select pg_backend_pid() as pid, pg_sleep(0.1)::text as slept`.execute(kysely);
          return rows[0]?.pid ?? -1;
        }),
      );
      expect(new Set(pids).size).toBe(3);
      // One of them taken again by a transaction that waits between two statements.
      const waiting = new Promise<void>((resolve) => (ended = resolve));
      let began!: () => void;
      const begun = new Promise<void>((resolve) => (began = resolve));
      const transaction = kysely.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        began();
        await waiting;
        await sql`select 2`.execute(trx);
      });
      const outcome = transaction.then(
        () => 'committed',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      await begun;

      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
      } finally {
        await admin.end();
      }
      await expect
        .poll(() => logged.match(/database connection lost/g)?.length ?? 0, { timeout: 5000 })
        .toBe(3);
      ended();
      expect(await outcome).toBe('Client has encountered a connection error and is not queryable');
      const said = logged
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.msg === 'database connection lost: the next query connects again')
        .map(({ level, code, reason }) => ({ level, code, reason }));
      expect(said).toEqual(
        Array.from({ length: 3 }, () => ({
          level: 40,
          code: '57P01',
          reason: 'terminating connection due to administrator command',
        })),
      );

      const http = service.client();
      expect((await http.get('/healthz')).status).toBe(200);
      expect((await http.get('/.well-known/jwks.json')).status).toBe(200);
    } finally {
      ended();
      await service.close();
    }
  });
});

describe.skipIf(!ENGINES.includes('postgres'))('PostgreSQL out of reach', () => {
  it('when the database cannot be reached, then a request that needs it is answered 503 ERR_UNAVAILABLE with Retry-After, the log says so, and the service answers again once it is back', async () => {
    // A TCP relay in front of PostgreSQL, which the test cuts and mends.
    const target = new URL(POSTGRES_URL);
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const server = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, server]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          client.destroy();
          server.destroy();
          sockets.delete(socket);
        });
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const { port } = relay.address() as AddressInfo;
    const via = new URL(POSTGRES_URL);
    via.hostname = '127.0.0.1';
    via.port = String(port);
    const log = new PassThrough();
    let logged = '';
    log.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
    const service = await startService('postgres', { log, postgresUrl: via.href });
    try {
      const http = service.client();
      expect((await http.get('/status')).status).toBe(200);

      relay.close();
      for (const socket of sockets) socket.destroy();
      const reply = await http.get<{ code: string }>('/status');
      expect([reply.status, reply.body.code, reply.headers.get('retry-after')]).toEqual([
        503,
        'ERR_UNAVAILABLE',
        '5',
      ]);
      const said = logged
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: number; msg: string; route?: string })
        .filter((entry) => entry.msg === 'database unavailable')
        .map(({ level, route }) => ({ level, route }));
      expect(said).toEqual([{ level: 50, route: '/status' }]);

      await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
      await expect.poll(async () => (await http.get('/status')).status).toBe(200);
    } finally {
      relay.close();
      for (const socket of sockets) socket.destroy();
      await service.close();
    }
  });
});

describe('a PostgreSQL server that takes connections and never answers', () => {
  it('when a query is made, then it fails once the connect timeout has passed, where it waited for ever', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const db = openDatabase({
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/test`,
      dataDir: tmpdir(),
    });
    try {
      const started = performance.now();
      const outcome = await sql`select 1`.execute(db.kysely).then(
        () => 'answered',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      const waited = performance.now() - started;
      expect(outcome).toBe('Connection terminated due to connection timeout');
      expect(waited).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 50);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await db.close();
    }
  });
});

describe('stopping', () => {
  it('when a client holds a connection with half a request, then the stop closes it after the drain time instead of waiting for it', async () => {
    const service = await startService('sqlite');
    const { port } = new URL(service.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    // Headers begun, never finished: an active connection, not an idle one.
    socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n');
    const ended = new Promise<void>((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await service.close();
    await ended;
    const seconds = (performance.now() - started) / 1000;
    // Without the deadline the stop waits for the header timeout (60 s): the test would time out.
    expect(seconds).toBeGreaterThanOrEqual((DRAIN_MS - 500) / 1000);
  }, 30_000);
});
