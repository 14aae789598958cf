/**
 * The statements of a driver's whole journey, as each engine plans them: registration and
 * sign-in, an album application reviewed and approved, the inbox, a device and its credential,
 * refreshes (answered as they are, then signed again), the portrait, the status list, a
 * suspension and a restoration by an admin, the licence and its audit trail as staff read
 * them, and what the admin console reads besides (a licence search, a driver account, the audit
 * log by day) and a member of staff disabled. Every table that grows with the country is reached through an index, never scanned: on
 * SQLite as planned; on PostgreSQL with sequential scans priced out (enable_seqscan off), since
 * with the few rows of a test it would scan anyway, so a scan left means no index serves the
 * statement (it may walk an unrelated index whole instead, which only SQLite's plans show). And
 * no hot statement binds the literal of a partial index (SQLite re-plans such a statement on
 * every run).
 */
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../shared/china-time.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import { enrol } from './enrol.js';
import {
  addDevice,
  insertLicence,
  issue,
  newDriver,
  newStaff,
  syntheticLicence,
  uploadPhoto,
} from './fixtures.js';
import { ENGINES, startService, type Engine, type TestService } from './harness.js';
import { portraitJpeg } from './photos.js';

/** Tables that hold a row per driver, licence, credential or event. */
const GROWING = [
  'licences',
  'drivers',
  'devices',
  'credentials',
  'applications',
  'audit_log',
  'sessions',
  'inbox',
  'push_subscriptions',
  'portraits',
  'sign_in_failures',
];

interface Run {
  readonly sql: string;
  readonly params: unknown[];
}

/** Records every statement the engine's driver runs, with its parameters, while `during` runs. */
async function statementsOf(engine: Engine, during: () => Promise<void>): Promise<Run[]> {
  const runs: Run[] = [];
  if (engine === 'postgres') {
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'string')
        runs.push({ sql: args[0], params: Array.isArray(args[1]) ? (args[1] as unknown[]) : [] });
      return original.apply(this, args);
    };
    try {
      await during();
    } finally {
      proto.query = original;
    }
    return runs;
  }
  const probe = new SQLite(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    'all' | 'get' | 'run',
    (...args: unknown[]) => unknown
  >;
  probe.close();
  const originals = { all: proto.all, get: proto.get, run: proto.run };
  for (const name of ['all', 'get', 'run'] as const) {
    const original = originals[name];
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      runs.push({ sql: this.source, params: args.flat() });
      return original.apply(this, args);
    };
  }
  try {
    await during();
  } finally {
    Object.assign(proto, originals);
  }
  return runs;
}

/** The plan lines of each statement that scans a growing table, with the statement. */
async function scansOf(service: TestService, runs: readonly Run[]): Promise<string[]> {
  const scans = new Set<string>();
  const planned = runs.filter((r) => /^\s*(select|update|delete)/i.test(r.sql));
  if (service.engine === 'postgres') {
    const client = new pg.Client({ connectionString: service.deps.config.databaseUrl });
    await client.connect();
    try {
      await client.query('set enable_seqscan = off');
      for (const { sql, params } of planned) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, params);
        for (const row of plan.rows) {
          const table = /Seq Scan on (\w+)/.exec(row['QUERY PLAN'])?.[1];
          if (table !== undefined && GROWING.includes(table))
            scans.add(`${row['QUERY PLAN'].trim()} ← ${sql}`);
        }
      }
    } finally {
      await client.end();
    }
    return [...scans];
  }
  const db = new SQLite(join(service.deps.config.dataDir, 'liangzheng.sqlite'), { readonly: true });
  try {
    for (const { sql, params } of planned) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      for (const { detail } of plan) {
        const table = /^SCAN (\w+)/.exec(detail)?.[1];
        if (table !== undefined && GROWING.includes(table)) scans.add(`${detail} ← ${sql}`);
      }
    }
  } finally {
    db.close();
  }
  return [...scans];
}

describe.each(ENGINES)('query plans of a driver journey on %s', (engine) => {
  let service: TestService;
  let runs: Run[];

  beforeAll(async () => {
    service = await startService(engine);
    const photo = await portraitJpeg(255);
    const reviewer = await newStaff(service, 'reviewer');
    const admin = await newStaff(service, 'admin');
    const signingUp = syntheticLicence(2);
    await insertLicence(service.deps.db, signingUp, service.now());
    runs = await statementsOf(engine, async () => {
      const ok = (status: number, what: string) => {
        if (status >= 300) throw new Error(`${what}: ${status}`);
      };
      // Registration, the code and the real-person check that bind the licence, and sign-in.
      const client = service.client();
      await enrol(service, client, {
        licenceNumber: signingUp.licenceNumber,
        name: signingUp.name,
        phone: '13912345678',
        password: 'correct-horse-battery',
      });
      // A failed sign-in (counted, and old counts pruned) before the one that succeeds.
      const failed = await client.post('/api/session', {
        kind: 'driver',
        licenceNumber: signingUp.licenceNumber,
        password: 'wrong-horse-battery',
      });
      if (failed.status !== 401) throw new Error(`failed sign-in: ${failed.status}`);
      const session = await client.post<{ csrfToken: string }>('/api/session', {
        kind: 'driver',
        licenceNumber: signingUp.licenceNumber,
        password: 'correct-horse-battery',
      });
      ok(session.status, 'sign-in');
      client.csrfToken = session.body.csrfToken;
      ok((await client.get('/api/me')).status, 'me');

      // An album application, reviewed and approved; the notice read.
      const driver = await newDriver(service, syntheticLicence(1), { applied: false });
      ok((await driver.http.get('/api/me/application/paths')).status, 'paths');
      ok((await driver.http.post('/api/me/application', { path: 'album' })).status, 'start');
      ok((await uploadPhoto(service.url, driver, photo)).status, 'upload');
      const queue = await reviewer.get<{ applications: { id: number }[] }>('/api/review/queue');
      const id = queue.body.applications[0]?.id ?? 0;
      ok((await reviewer.get(`/api/review/applications/${id}`)).status, 'review');
      ok((await reviewer.post(`/api/review/applications/${id}/approve`, {})).status, 'approve');
      ok((await driver.http.get('/api/me/inbox')).status, 'inbox');
      ok((await driver.http.get('/api/me/application')).status, 'application');

      // The device, its credential and its refreshes; the licence page; the verifier's fetches.
      const device = await addDevice(driver);
      service.advance(1);
      const issued = await issue(driver, device);
      await issue(driver, device); // current: answered as it is
      ok((await driver.http.get('/api/me/credential')).status, 'credential');
      ok((await driver.http.get('/api/me/licence')).status, 'licence');
      ok((await driver.http.get('/api/me/portrait')).status, 'portrait');
      ok((await service.client().get(`/status/${issued.listId}`)).status, 'status list');
      ok((await service.client().get('/.well-known/jwks.json')).status, 'jwks');

      // A suspension and a restoration by an admin, then a refresh that signs again; the
      // licence and its audit trail as staff read them.
      service.advance(1);
      const number = driver.licence.licenceNumber;
      for (const action of ['suspend', 'restore'] as const)
        ok(
          (await admin.post(`/api/registry/licences/${number}/${action}`, { reason: 'test' }))
            .status,
          action,
        );
      await issue(driver, device);
      ok((await admin.get(`/api/registry/licences/${number}`)).status, 'licence');
      ok((await admin.get(`/api/audit?subject=${number}`)).status, 'audit');

      // What the admin console reads besides: the licence found by the masked number the lists
      // show, its driver account, the day's audit log of one admin a page at a time; then a
      // member of staff disabled (the account's sessions end).
      const masked = encodeURIComponent(maskLicenceNumber(number));
      ok((await admin.get(`/api/registry/licences?number=${masked}`)).status, 'search');
      ok((await admin.get(`/api/registry/licences/${number}/account`)).status, 'account');
      const day = chinaDate(new Date(service.now() * 1000));
      const page = await admin.get<{ entries: { id: number }[] }>(
        `/api/audit/search?from=${day}&to=${day}&actor=staff:${admin.id}&limit=1`,
      );
      ok(page.status, 'audit search');
      const last = page.body.entries[0]?.id ?? 1;
      ok(
        (await admin.get(`/api/audit/search?from=${day}&to=${day}&limit=1&beforeId=${last}`))
          .status,
        'audit search, next page',
      );
      ok((await admin.post(`/api/staff/${reviewer.id}/disable`)).status, 'disable');
    });
  });
  afterAll(async () => {
    await service.close();
  });

  it('when the statements are planned, then no growing table is scanned', async () => {
    expect(runs.length).toBeGreaterThan(50);
    expect(await scansOf(service, runs)).toEqual([]);
  });

  it('when a statement compares with a literal the partial index names, then it is not bound', () => {
    // one_live_credential is `where state = 'live'`: a bound 'live' makes SQLite re-plan on
    // every run, so the queries write it into the SQL.
    const bound = runs.filter(
      (r) =>
        /"state" = (\?|\$\d+)/.test(r.sql) &&
        /credentials/.test(r.sql) &&
        r.params.includes('live'),
    );
    expect(bound.map((r) => r.sql)).toEqual([]);
  });
});
