/*
 * The demo data `npm start` loads (DEMO=true, development only) and what it prints: at the first
 * start the registry, what to sign up with and the staff passwords; at every later start on the
 * same data the same sign-up hints and where the passwords went, never a second set of staff.
 */
import { describe, expect, it } from 'vitest';
import demoRegistry from '../../issuer/demo/reference-licences.json' with { type: 'json' };
import { seedDemo } from '../../issuer/demo.js';
import { insertLicence, syntheticLicence } from './fixtures.js';
import { ENGINES } from './harness.js';
import { useService } from './use-service.js';

const first = demoRegistry.licences[0];
const last = demoRegistry.licences.at(-1);

describe.each(ENGINES)('demo data on %s', (engine) => {
  const service = useService(engine);
  const handImported = useService(engine);

  it('when the registry was imported by hand, then no demo licence is added or named, and demo staff are made when there are none', async () => {
    const deps = handImported().deps;
    await insertLicence(deps.db, syntheticLicence(9401), handImported().now());
    const lines = await seedDemo(deps);
    expect(lines).toEqual([
      'demo staff (passwords shown once):',
      expect.stringMatching(/^ {2}admin {4}admin \/ \S{12,}$/),
      expect.stringMatching(/^ {2}reviewer reviewer \/ \S{12,}$/),
    ]);
    const licences = await deps.db.kysely.selectFrom('licences').select('licence_number').execute();
    expect(licences).toHaveLength(1);
  });

  it('when the service starts on an empty database and again on the same one, then both starts say what to sign up with, the first the staff passwords, the second where they went', async () => {
    const deps = service().deps;
    const signUp = [
      "sign up in the driver's app with a licence number and name of the demo registry:",
      `  ${first?.licenceNumber} ${first?.name}   (registry photo: the stored-photo path)`,
      `  ${last?.licenceNumber} ${last?.name}   (no photo: the camera and album paths)`,
      '  the SMS code is written to this log (development SMS); any selfie passes the',
      '  development real-person check, unless the name ends with 测试不符 / 测试活体 / 测试不可用',
    ];

    const firstStart = await seedDemo(deps);
    expect(firstStart.slice(0, 7)).toEqual([
      `demo registry: ${demoRegistry.licences.length} licences (issuer/demo/reference-licences.json)`,
      'demo registry photos: all licences but the last of the file',
      ...signUp,
    ]);
    expect(firstStart.slice(7, 8)).toEqual(['demo staff (passwords shown once):']);
    expect(firstStart.slice(8)).toEqual([
      expect.stringMatching(/^ {2}admin {4}admin \/ \S{12,}$/),
      expect.stringMatching(/^ {2}reviewer reviewer \/ \S{12,}$/),
    ]);

    const again = await seedDemo(deps);
    expect(again).toEqual([
      'demo registry: loaded at an earlier start',
      ...signUp,
      'staff: admin, reviewer (their passwords were shown when they were made)',
      '  another account, its password shown once: npx liangzheng admin create --username NAME',
      "  with this start's DATA_DIR (or DATABASE_URL) set",
    ]);
    const staff = await deps.db.kysely.selectFrom('staff').select('username').execute();
    expect(staff.map((s) => s.username).sort()).toEqual(['admin', 'reviewer']);
    const licences = await deps.db.kysely.selectFrom('licences').select('licence_number').execute();
    expect(licences).toHaveLength(demoRegistry.licences.length);
  });
});
