/**
 * Crash safety of issuance, on both engines. A child process (crash-child.ts) issues, for each
 * of N drivers, a credential on device A, a refresh on device A, and for every third driver a
 * credential on device B (superseding A), each with its own idempotency key, printing each jti
 * as it commits. It is killed with SIGKILL part-way, then run again with the same plan.
 * Afterwards the database must hold exactly what one uninterrupted run would have made, and a
 * suspension and restoration of every licence must leave the superseded slots superseded.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { changeLicence } from '../../issuer/lifecycle/change-licence.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import { readStatus, STATUS } from '../../shared/status-list.js';
import {
  insertDriver,
  insertIssuedApplication,
  insertLicence,
  syntheticLicence,
} from './fixtures.js';
import { ENGINES } from './harness.js';
import { useService } from './use-service.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const DRIVERS = 90;
/** The child is killed once it has printed this many lines. */
const KILL_AFTER = 70;

interface Step {
  readonly driverId: number;
  readonly deviceId: number;
  readonly key: string;
}

/** Runs the child until it exits, or kills it after `killAfter` lines; returns its lines. */
function runChild(
  planPath: string,
  env: Record<string, string>,
  killAfter?: number,
): Promise<{ lines: string[]; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, planPath], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 40_000,
    });
    const lines: string[] = [];
    let rest = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      rest += chunk.toString('utf8');
      let at: number;
      while ((at = rest.indexOf('\n')) >= 0) {
        lines.push(rest.slice(0, at));
        rest = rest.slice(at + 1);
        if (killAfter !== undefined && lines.length === killAfter) child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child: ${code} ${stderr}`));
      else resolve({ lines, code, signal });
    });
  });
}

describe.each(ENGINES)('issuance killed part-way on %s', (engine) => {
  const service = useService(engine);

  it(`when the issuing process is killed with SIGKILL and run again, then ${DRIVERS} live credentials, one per licence, no slot shared or reused, and every printed jti kept`, async () => {
    const { db, config } = service().deps;
    const now = service().now();
    const plan: Step[] = [];
    let superseding = 0;
    for (let i = 0; i < DRIVERS; i++) {
      const licence = syntheticLicence(i);
      await insertLicence(db, licence, now);
      const driverId = await insertDriver(db, licence.licenceNumber, now);
      await insertIssuedApplication(db, driverId, licence.licenceNumber, now);
      const device = async () =>
        (
          await db.kysely
            .insertInto('devices')
            .values({
              driver_id: driverId,
              public_key: createJwkSigner(generateKeyPair().privateJwk).publicJwk.x,
              created_at: now,
              revoked_at: null,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const a = await device();
      plan.push({ driverId, deviceId: a, key: `a-${i}` }, { driverId, deviceId: a, key: `r-${i}` });
      if (i % 3 === 0) {
        plan.push({ driverId, deviceId: await device(), key: `b-${i}` });
        superseding++;
      }
    }
    const planPath = join(config.dataDir, 'plan.json');
    await writeFile(planPath, JSON.stringify(plan));
    const env = {
      NODE_ENV: 'test',
      DEMO: 'false',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: config.publicUrl,
      DATA_DIR: config.dataDir,
      ...(config.databaseUrl === undefined ? {} : { DATABASE_URL: config.databaseUrl }),
    };

    const killed = await runChild(planPath, env, KILL_AFTER);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.lines.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(killed.lines.length).toBeLessThan(plan.length);
    const again = await runChild(planPath, env);
    expect(again.code).toBe(0);

    // The second run answers every step; a step the first run had answered, identically.
    const jtiOf = new Map(again.lines.map((l) => l.split(' ') as [string, string]));
    expect([...jtiOf.keys()]).toEqual(plan.map((s) => s.key));
    for (const line of killed.lines) {
      const [key, jti] = line.split(' ');
      expect(jtiOf.get(key ?? '')).toBe(jti);
    }

    // Exactly one uninterrupted run's worth of rows: one per step.
    const rows = await db.kysely
      .selectFrom('credentials')
      .select(['jti', 'licence_number', 'list_id', 'status_index', 'state', 'idempotency_key'])
      .execute();
    expect(rows).toHaveLength(plan.length);
    expect(new Set(rows.map((r) => r.jti))).toEqual(new Set(jtiOf.values()));
    const count = (state: string) => rows.filter((r) => r.state === state).length;
    expect({
      live: count('live'),
      refreshed: count('refreshed'),
      superseded: count('superseded'),
    }).toEqual({
      live: DRIVERS,
      // A take-over ends A's whole slot: its refreshed credential too.
      refreshed: DRIVERS - superseding,
      superseded: 2 * superseding,
    });
    // Every refreshed credential shares its slot with the live one: no slot is half-ended.
    const liveSlots = new Set(
      rows.filter((r) => r.state === 'live').map((r) => `${r.list_id}:${r.status_index}`),
    );
    for (const r of rows.filter((x) => x.state === 'refreshed'))
      expect(liveSlots.has(`${r.list_id}:${r.status_index}`)).toBe(true);
    const livePerLicence = new Map<string, number>();
    for (const r of rows.filter((x) => x.state === 'live'))
      livePerLicence.set(r.licence_number, (livePerLicence.get(r.licence_number) ?? 0) + 1);
    expect(livePerLicence.size).toBe(DRIVERS);
    expect([...livePerLicence.values()].every((n) => n === 1)).toBe(true);

    // Slots: one per device that held a credential, each of one licence, handed out once.
    const slots = new Map<string, Set<string>>();
    for (const r of rows) {
      const slot = `${r.list_id}:${r.status_index}`;
      slots.set(slot, (slots.get(slot) ?? new Set()).add(r.licence_number));
    }
    expect(slots.size).toBe(DRIVERS + superseding);
    expect([...slots.values()].every((licences) => licences.size === 1)).toBe(true);
    const lists = await db.kysely
      .selectFrom('status_lists')
      .select(['id', 'next_index', 'statuses'])
      .execute();
    // No index was handed out and then lost to a rolled-back transaction, nor twice.
    expect(lists.reduce((n, l) => n + l.next_index, 0)).toBe(DRIVERS + superseding);
    const indices = rows.map((r) => r.status_index);
    expect(Math.max(...indices)).toBe(DRIVERS + superseding - 1);

    // The superseded slots say 3, the others 0; and still so once every licence has been
    // suspended and restored (a restore writes the held slot only): each licence taken over.
    const supersededSlots = new Set(
      rows.filter((r) => r.state === 'superseded').map((r) => r.status_index),
    );
    const entriesSay = async () => {
      const statuses = await db.kysely
        .selectFrom('status_lists')
        .select(['id', 'statuses'])
        .where('id', '=', rows[0]?.list_id ?? -1)
        .executeTakeFirstOrThrow();
      for (const r of rows) {
        expect(readStatus(statuses.statuses, 2, r.status_index)).toBe(
          supersededSlots.has(r.status_index) ? STATUS.SUPERSEDED : STATUS.VALID,
        );
      }
    };
    await entriesSay();
    const takenOver = new Set(
      rows.filter((r) => r.state === 'superseded').map((r) => r.licence_number),
    );
    for (const number of takenOver) {
      await changeLicence(service().deps, number, { action: 'suspend' }, 'staff:1');
      await changeLicence(service().deps, number, { action: 'restore' }, 'staff:1');
    }
    await entriesSay();
  }, 90_000);
});
