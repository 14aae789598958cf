/**
 * The statements of the hot paths, as SQLite plans them: a refresh, a re-signing refresh, a
 * suspension and a restoration of a licence. Every table that grows with the country is reached
 * through an index, never scanned, and no statement depends on a bound value for its plan (SQLite
 * re-plans such a statement on every run).
 */
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChange } from '../../issuer/lifecycle/apply-change.js';
import { addDevice, issue, newDriver, syntheticLicence, type TestDriver } from './fixtures.js';
import { startService, type TestService } from './harness.js';

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
];

interface Run {
  readonly sql: string;
  readonly params: unknown[];
}

/** Records every statement better-sqlite3 runs, with its parameters, while `during` runs. */
async function statementsOf(during: () => Promise<void>): Promise<Run[]> {
  const probe = new SQLite(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    'all' | 'get' | 'run',
    (...args: unknown[]) => unknown
  >;
  probe.close();
  const runs: Run[] = [];
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

describe('query plans of the hot paths on SQLite', () => {
  let service: TestService;
  let driver: TestDriver;
  let runs: Run[];

  beforeAll(async () => {
    service = await startService('sqlite');
    driver = await newDriver(service, syntheticLicence(1));
    const device = await addDevice(driver);
    service.advance(1);
    await issue(driver, device);
    service.advance(1);
    const change = (action: 'suspend' | 'restore') =>
      service.deps.db.kysely
        .transaction()
        .execute((trx) =>
          applyChange(service.deps, trx, driver.licence.licenceNumber, { action }, 'staff:1'),
        );
    runs = await statementsOf(async () => {
      await issue(driver, device); // current: answered as it is
      await change('suspend');
      await change('restore');
      await issue(driver, device); // changed: signed again
    });
  });
  afterAll(async () => {
    await service.close();
  });

  it('when the statements are planned, then no growing table is scanned', () => {
    const db = new SQLite(join(service.deps.config.dataDir, 'liangzheng.sqlite'), {
      readonly: true,
    });
    try {
      const scans = new Set<string>();
      for (const { sql, params } of runs) {
        if (!/^\s*(select|update|delete)/i.test(sql)) continue;
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
          detail: string;
        }[];
        for (const { detail } of plan) {
          const table = /^SCAN (\w+)/.exec(detail)?.[1];
          if (table !== undefined && GROWING.includes(table)) scans.add(`${detail} ← ${sql}`);
        }
      }
      expect(runs.length).toBeGreaterThan(10);
      expect([...scans]).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('when a statement compares with a literal the partial index names, then it is not bound', () => {
    // one_live_credential is `where state = 'live'`: a bound 'live' makes SQLite re-plan on
    // every run, so the hot queries write it into the SQL.
    const bound = runs.filter(
      (r) => /"state" = \?/.test(r.sql) && /credentials/.test(r.sql) && r.params.includes('live'),
    );
    expect(bound.map((r) => r.sql)).toEqual([]);
  });
});
