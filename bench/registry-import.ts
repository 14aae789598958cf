/*
 * Registry import: rows applied per second by importLicences (what POST /api/registry/import and
 * `liangzheng registry import` run), on SQLite and on PostgreSQL, each on a fresh store. One file
 * of N new licences (inserted, each audited), then the same file with every licence's points
 * changed (each row a lifecycle change, audited twice, as staff would make it). All-or-nothing:
 * each file is one transaction. No target: the figure sizes a registry sync.
 */
import { importLicences } from '../issuer/registry/import-licences.js';
import { syntheticLicence } from '../test/issuer/fixtures.js';
import { ENGINES } from '../test/issuer/harness.js';
import { benchStore } from './issuance.js';

async function timedImports(
  engine: 'sqlite' | 'postgres',
  n: number,
): Promise<{ insert: number; update: number }> {
  const store = await benchStore(engine);
  const deps = await store.open();
  try {
    const licences = Array.from({ length: n }, (_, i) => syntheticLicence(i));
    const run = async (rows: unknown[], expected: 'inserted' | 'updated') => {
      const started = performance.now();
      const summary = await importLicences(deps, {
        format: 'json',
        actor: 'bench',
        text: JSON.stringify(rows),
      });
      const seconds = (performance.now() - started) / 1000;
      if (summary[expected] !== n)
        throw new Error(
          `bench/registry-import: expected ${n} ${expected}, found ${summary[expected]}`,
        );
      return n / seconds;
    };
    const insert = await run(licences, 'inserted');
    const update = await run(
      licences.map((l) => ({ ...l, points: 3 })),
      'updated',
    );
    return { insert, update };
  } finally {
    await deps.db.close();
    await store.remove();
  }
}

/** Runs the section, printing as it goes; returns the figures. */
export async function registryImport(n = 20_000): Promise<Record<string, unknown>> {
  console.log(`Registry import (one file of ${n} rows, one transaction, rows per second)`);
  const figures: Record<string, unknown> = { rows: n };
  for (const engine of ['sqlite', 'postgres'] as const) {
    if (engine === 'postgres' && !ENGINES.includes('postgres')) {
      console.log(`  postgres: no database, left out`);
      continue;
    }
    const r = await timedImports(engine, n);
    console.log(
      `  ${engine.padEnd(9)} new licences ${r.insert.toFixed(0).padStart(6)}/s, points changed ${r.update.toFixed(0).padStart(6)}/s`,
    );
    figures[engine] = {
      insert_per_s: Math.round(r.insert),
      update_per_s: Math.round(r.update),
    };
  }
  return figures;
}
