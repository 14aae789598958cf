/*
 * The authority's service and the verifier's command line together, as a third party would
 * use them: the JWKS and the status list fetched over HTTP into files, and `liangzheng verify`
 * deciding on a fresh presentation (format version 2, made from the holder's copy the service
 * issued, as the phone makes it) before a suspension, during it, and after the restoration.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signer } from '../../shared/crypto-backend.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';
import {
  credentialPath,
  newDriver,
  newStaff,
  REFERENCE,
  type StaffClient,
  type TestDriver,
} from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';

const BIN = fileURLToPath(new URL('../../dist/bin/liangzheng.js', import.meta.url));

function liangzheng(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe.each(ENGINES)('liangzheng verify against the service on %s', (engine) => {
  let service: TestService;
  let dir: string;
  let driver: TestDriver;
  let admin: StaffClient;
  let phone: Signer;
  let holderCopy: string;
  const licence = REFERENCE[0];

  beforeAll(async () => {
    if (!existsSync(BIN))
      throw new Error(`${BIN} is missing: run npm run build first (npm test does)`);
    if (licence === undefined) throw new Error('no reference licence');
    service = await startService(engine);
    dir = await mkdtemp(join(tmpdir(), 'lz-verify-cli-'));
    driver = await newDriver(service, licence);
    admin = await newStaff(service, 'admin');
    const { privateJwk } = generateKeyPair();
    phone = createJwkSigner(privateJwk);
    const device = await driver.http.post<{ deviceId: number }>('/api/me/devices', {
      publicKey: privateJwk.x,
    });
    expect(device.status).toBe(201);
    const issued = await driver.http.post<{ holderCopy: string; listId: number }>(
      credentialPath(device.body.deviceId),
    );
    expect(issued.status).toBe(201);
    holderCopy = issued.body.holderCopy;
    await writeFile(
      join(dir, 'jwks.json'),
      await (await fetch(`${service.url}/.well-known/jwks.json`)).text(),
    );
  });
  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Fetches the list as it is now, makes a fresh presentation, verifies it with the CLI. */
  async function verifyNow(): Promise<{
    code: number;
    report: { valid: boolean; code?: string; warnings: string[] };
  }> {
    await writeFile(join(dir, 'status.jwt'), await (await fetch(`${service.url}/status/1`)).text());
    const at = new Date(service.now() * 1000);
    const now = at.toISOString();
    const presented = await createPresentationV2(holderCopy, phone, { now: at });
    const verified = await liangzheng(
      [
        'verify',
        '--trust',
        'jwks.json',
        '--status',
        'status.jwt',
        '--now',
        now,
        '--json',
        presented,
      ],
      dir,
    );
    return {
      code: verified.code,
      report: JSON.parse(verified.stdout) as { valid: boolean; code?: string; warnings: string[] },
    };
  }

  it('when the licence is normal, then exit 0, valid, no warnings; suspended: exit 1 ERR_SUSPENDED; restored: valid again', async () => {
    const before = await verifyNow();
    expect([before.code, before.report.valid, before.report.warnings]).toEqual([0, true, []]);

    const suspended = await admin.post(
      `/api/registry/licences/${licence?.licenceNumber ?? ''}/suspend`,
      { reason: '暂扣' },
    );
    expect(suspended.status).toBe(200);
    service.advance(5);
    const during = await verifyNow();
    expect([during.code, during.report.valid, during.report.code]).toEqual([
      1,
      false,
      'ERR_SUSPENDED',
    ]);

    const restored = await admin.post(
      `/api/registry/licences/${licence?.licenceNumber ?? ''}/restore`,
      {},
    );
    expect(restored.status).toBe(200);
    service.advance(5);
    const after = await verifyNow();
    expect([after.code, after.report.valid, after.report.warnings]).toEqual([0, true, []]);
  });
});
