/**
 * The request log: one JSON line per request with method, route pattern (the whole of it, for
 * answers and for errors alike), status and time, and nothing a request carried: no licence
 * number, name, password, cookie or token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../issuer/config.js';
import { createLogger } from '../../issuer/logger.js';
import { listen, openService, type Running } from '../../issuer/service.js';
import { insertLicence, syntheticLicence } from './fixtures.js';
import { Client, ENGINES } from './harness.js';
import { useService } from './use-service.js';

const LICENCE_NUMBER = '440106199003072429';
const PASSWORD = 'a secret password';

describe('the request log', () => {
  const lines: Record<string, unknown>[] = [];
  let running: Running;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lz-log-'));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATA_DIR: dataDir,
      DEMO: 'false',
      LOG_LEVEL: 'info',
    });
    running = await listen(await openService(config, createLogger('info', sink)));
  });
  afterAll(async () => {
    await running.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when requests succeed, fail or match nothing, then each is logged by its whole route pattern, without what it carried', async () => {
    const client = new Client(running.url);
    expect((await client.get('/healthz')).status).toBe(200);
    expect(
      (
        await client.post('/api/session', {
          kind: 'driver',
          licenceNumber: LICENCE_NUMBER,
          password: PASSWORD,
        })
      ).status,
    ).toBe(401);
    expect((await client.get('/api/push/key')).status).toBe(200);
    expect((await client.get(`/api/registry/licences/${LICENCE_NUMBER}`)).status).toBe(401);
    expect((await client.get(`/api/no/${LICENCE_NUMBER}`)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.method, l.route, l.status])).toEqual([
      ['GET', '/healthz', 200],
      ['POST', '/api/session', 401],
      ['GET', '/api/push/key', 200],
      ['GET', '/api/registry/licences/:number', 401],
      ['GET', 'unmatched', 404],
    ]);
    for (const l of requests) expect(typeof l.ms).toBe('number');
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(LICENCE_NUMBER);
    expect(everything).not.toContain(PASSWORD);
  });
});

/** What `logger.error({ err }, …)` writes for `error`, as the 500 handler logs it. */
function logged(error: unknown): { line: string; err: Record<string, unknown> } {
  let line = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      line += chunk.toString('utf8');
      done();
    },
  });
  createLogger('info', sink).error({ err: error }, 'request failed');
  return { line, err: (JSON.parse(line) as { err: Record<string, unknown> }).err };
}

describe.each(ENGINES)('database errors in the log on %s', (engine) => {
  const service = useService(engine);

  it('when a query fails on a row that holds an ID number, then the log names the fault but not the number', async () => {
    const { db } = service().deps;
    const licence = syntheticLicence(9301);
    await insertLicence(db, licence, service().now());
    const duplicate = await insertLicence(db, licence, service().now()).then(
      () => undefined,
      (error: unknown) => error,
    );
    const { line, err } = logged(duplicate);
    expect(line).not.toContain(licence.licenceNumber);
    expect(
      engine === 'postgres'
        ? [err.code, err.table, err.constraint, err.message]
        : [err.code, err.message],
    ).toEqual(
      engine === 'postgres'
        ? [
            '23505',
            'licences',
            'licences_pkey',
            'duplicate key value violates unique constraint "licences_pkey"',
          ]
        : ['SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: licences.licence_number'],
    );
  });
});

describe.skipIf(!ENGINES.includes('postgres'))('PostgreSQL data exceptions in the log', () => {
  const service = useService('postgres');

  it('when PostgreSQL refuses a value (a data exception), then the log has its code and not the value', async () => {
    const value = `${LICENCE_NUMBER}x`;
    const refused = await sql`select ${value}::bigint as n`.execute(service().deps.db.kysely).then(
      () => undefined,
      (error: unknown) => error,
    );
    const { line, err } = logged(refused);
    expect(line).not.toContain(LICENCE_NUMBER);
    expect([err.code, err.message, String(err.stack).split('\n')[0]]).toEqual([
      '22P02',
      'data exception 22P02 (its message names the value: not logged)',
      'data exception 22P02 (its message names the value: not logged)',
    ]);
  });
});
