import demoRegistry from './demo/reference-licences.json' with { type: 'json' };
import { createStaff } from './accounts/staff.js';
import { demoPortrait } from './demo/demo-portrait.js';
import type { ServiceDeps } from './deps.js';
import { setRegistryPhoto } from './portraits/set-registry-photo.js';
import { importLicences } from './registry/import-licences.js';

/**
 * Loads the demo registry (the reference licences) and demo staff into an empty database and
 * returns lines to print: what to sign up with, and the staff passwords, generated here and shown
 * this once. On a database that holds them already, the same sign-up hints and where the passwords
 * went. Refused in production by the configuration (DEMO=true is not allowed there).
 */
export async function seedDemo(deps: ServiceDeps): Promise<string[]> {
  const lines: string[] = [];
  const licences = await deps.db.kysely
    .selectFrom('licences')
    .select('licence_number')
    .limit(1)
    .execute();
  const first = demoRegistry.licences[0];
  const last = demoRegistry.licences.at(-1);
  if (first === undefined || last === undefined) throw new Error('the demo registry is empty');
  const fresh = licences.length === 0;
  if (fresh) {
    const result = await importLicences(deps, {
      format: 'json',
      text: JSON.stringify({ licences: demoRegistry.licences }),
      actor: 'demo',
    });
    lines.push(`demo registry: ${result.inserted} licences (issuer/demo/reference-licences.json)`);
    // Made-up registry photos for every licence but the last: the stored path is offered on
    // those, and the camera and album paths can be tried on the last.
    const withPhotos = demoRegistry.licences.slice(0, -1);
    for (const [i, licence] of withPhotos.entries()) {
      await setRegistryPhoto(deps, {
        licenceNumber: licence.licenceNumber,
        bytes: await demoPortrait(i),
        actor: 'demo',
      });
    }
    lines.push(`demo registry photos: all licences but the last of the file`);
  }
  // A registry there before: the demo's, or one imported by hand (no demo hints then).
  const demo =
    fresh ||
    (
      await deps.db.kysely
        .selectFrom('licences')
        .select('licence_number')
        .where('licence_number', 'in', [first.licenceNumber, last.licenceNumber])
        .execute()
    ).length === 2;
  if (!fresh && demo) lines.push('demo registry: loaded at an earlier start');
  // Made-up people: what to sign up with in the driver's app (any phone and password). Said at
  // every start on the demo registry (a restarted demo is used as a new one is), never on one
  // imported by hand.
  if (demo)
    lines.push(
      "sign up in the driver's app with a licence number and name of the demo registry:",
      `  ${first.licenceNumber} ${first.name}   (registry photo: the stored-photo path)`,
      `  ${last.licenceNumber} ${last.name}   (no photo: the camera and album paths)`,
      '  the SMS code is written to this log (development SMS); any selfie passes the',
      '  development real-person check, unless the name ends with 测试不符 / 测试活体 / 测试不可用',
    );
  const staff = await deps.db.kysely.selectFrom('staff').select('username').execute();
  if (staff.length === 0) {
    lines.push('demo staff (passwords shown once):');
    for (const [username, role] of [
      ['admin', 'admin'],
      ['reviewer', 'reviewer'],
    ] as const) {
      const created = await createStaff(deps.db, { username, role }, deps.now(), 'demo');
      lines.push(`  ${role.padEnd(8)} ${created.username} / ${created.password}`);
    }
  } else {
    // The passwords were shown once, when the accounts were made; they are not kept to show again.
    lines.push(
      `staff: ${staff.map((s) => s.username).join(', ')} (their passwords were shown when they were made)`,
      '  another account, its password shown once: npx liangzheng admin create --username NAME',
      "  with this start's DATA_DIR (or DATABASE_URL) set",
    );
  }
  return lines;
}
