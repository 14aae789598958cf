/**
 * Key rotation, on both engines: credentials signed by key 1 keep verifying after `rotateKey`
 * and a restart, new ones are signed by key 2, `reissueAll` moves every live credential to key 2
 * in its slot, and key 1 leaves the JWKS once what it signed has expired. Then the command line
 * (`liangzheng keys rotate|list|reissue`, the built binary) on the same data; `keys reissue` is
 * killed part-way and run again, and finishes the work without doing any of it twice.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reissueAll } from '../../issuer/credentials/reissue-all.js';
import { rotateKey } from '../../issuer/keys/key-store.js';
import { listKeys } from '../../issuer/keys/list-keys.js';
import { changeLicence } from '../../issuer/lifecycle/change-licence.js';
import {
  addDevice,
  driverAt,
  fetchVerifierView,
  issue,
  newDriver,
  presentAndVerify,
  REFERENCE,
  restartService,
  syntheticLicence,
  type IssuedBody,
  type Restarted,
} from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';
import { CLI, runCli } from '../helpers/child-process.js';
import { useTempDir } from '../helpers/temp-dir.js';

/** Runs the built command line; a run opens the whole service first: seconds on a busy machine. */
const run = (args: readonly string[], env: Record<string, string>) => runCli(args, env, 60_000);

describe.each(ENGINES)('key rotation on %s', (engine) => {
  let service: TestService;
  let restarted: Restarted | undefined;

  beforeAll(async () => {
    // A new key is published an hour before it signs.
    service = await startService(engine, { env: { KEY_PUBLISH_AHEAD: '3600' } });
  });
  afterAll(async () => {
    await restarted?.running.stop();
    await service.close();
  });

  it('when the key is rotated and the service restarted, then old credentials still verify, new ones use key 2, reissueAll moves the rest, and key 1 leaves the JWKS once they expire', async () => {
    const key1 = service.deps.keys.current().kid;
    const first = await newDriver(service, REFERENCE[0] ?? syntheticLicence(0));
    const second = await newDriver(service, syntheticLicence(1));
    const suspended = await newDriver(service, syntheticLicence(2));
    const devices = await Promise.all([first, second, suspended].map((d) => addDevice(d)));
    const [phone1, phone2, phone3] = devices as [
      (typeof devices)[0],
      (typeof devices)[0],
      (typeof devices)[0],
    ];
    const old1 = await issue(first, phone1);
    const old2 = await issue(second, phone2);
    await issue(suspended, phone3);
    await changeLicence(
      service.deps,
      suspended.licence.licenceNumber,
      { action: 'suspend' },
      'staff:1',
    );

    const kidOf = async (url: string) => {
      const token = await (await fetch(`${url}/status/${old1.listId}`)).text();
      return (
        JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as {
          kid: string;
        }
      ).kid;
    };
    // The list is signed (and its token cached) under key 1.
    expect(await kidOf(service.url)).toBe(key1);

    const key2 = await rotateKey(service.deps.config.dataDir);
    expect(key2).not.toBe(key1);
    // A running service keeps its key: the new one is published from the next start.
    expect(service.deps.keys.current().kid).toBe(key1);
    expect((await fetchVerifierView(service.url, [])).jwks.keys.map((k) => k.kid)).toEqual([key1]);
    service.advance(10);
    restarted = await restartService(service);
    const next = restarted;
    // Pre-publication: key 2 is in the JWKS at once, and key 1 still signs for an hour.
    const view = await fetchVerifierView(next.url, [old1.listId]);
    expect(view.jwks.keys.map((k) => k.kid)).toEqual([key2, key1]);
    expect(next.deps.keys.current().kid).toBe(key1);
    expect(await kidOf(next.url)).toBe(key1);
    const listed = await listKeys(next.deps.db, next.deps.config.dataDir, next.now(), 3600);
    expect(listed.map((k) => [k.kid, k.state, k.signsFrom])).toEqual([
      [key2, 'pending', next.now() + 3600],
      [key1, 'signing', undefined],
    ]);
    next.advance(3600 - 1);
    expect(next.deps.keys.current().kid).toBe(key1);
    // Then key 2 signs, without a restart; the unchanged list's cached token is signed again.
    next.advance(1);
    expect(next.deps.keys.current().kid).toBe(key2);
    expect(await kidOf(next.url)).toBe(key2);
    const stillValid = await presentAndVerify(next.url, next.now(), old1, phone1);
    expect(stillValid.valid, stillValid.message.en).toBe(true);
    expect(stillValid.credential?.kid).toBe(key1);

    // A new credential (a refresh of the same device) is signed by key 2, in the same slot.
    next.advance(60);
    const new1 = await issue(driverAt(first, next.url), phone1);
    expect([new1.listId, new1.index]).toEqual([old1.listId, old1.index]);
    const fresh = await presentAndVerify(next.url, next.now(), new1, phone1);
    expect(fresh.valid, fresh.message.en).toBe(true);
    expect(fresh.credential?.kid).toBe(key2);

    // reissueAll: the second driver's credential moves to key 2; the suspended licence's stays.
    const counts = await reissueAll(next.deps, { batchSize: 2, actor: 'cli' });
    expect(counts).toEqual({ reissued: 1, skipped: 1, batches: 1 });
    const current2 = await driverAt(second, next.url).http.get<IssuedBody & { deviceId: number }>(
      '/api/me/credential',
    );
    expect(current2.status).toBe(200);
    expect(current2.body.jti).not.toBe(old2.jti);
    expect([current2.body.listId, current2.body.index]).toEqual([old2.listId, old2.index]);
    const moved = await presentAndVerify(next.url, next.now(), current2.body, phone2);
    expect(moved.valid, moved.message.en).toBe(true);
    expect(moved.credential).toMatchObject({ kid: key2, exp: current2.body.expiresAt });
    const live = await next.deps.db.kysely
      .selectFrom('credentials')
      .select(['licence_number', 'kid'])
      .where('state', '=', 'live')
      .orderBy('licence_number')
      .execute();
    expect(live).toHaveLength(3);
    expect(live.filter((r) => r.kid === key1).map((r) => r.licence_number)).toEqual([
      suspended.licence.licenceNumber,
    ]);
    // Nothing left to move: a second run changes nothing.
    expect(await reissueAll(next.deps)).toEqual({ reissued: 0, skipped: 1, batches: 1 });

    // Key 1 no longer signs; the next start retires it, and past the last expiry of what it
    // signed it is no longer published.
    restarted = await restartService(next as unknown as TestService);
    const third = restarted;
    const key1Row = await third.deps.db.kysely
      .selectFrom('issuer_keys')
      .select(['last_expiry', 'retired_at'])
      .where('kid', '=', key1)
      .executeTakeFirstOrThrow();
    expect(key1Row.retired_at).toBe(third.now());
    expect(third.deps.keys.current().kid).toBe(key2);
    third.advance(key1Row.last_expiry - third.now() - 1);
    expect((await fetchVerifierView(third.url, [])).jwks.keys.map((k) => k.kid)).toEqual([
      key2,
      key1,
    ]);
    third.advance(1);
    expect((await fetchVerifierView(third.url, [])).jwks.keys.map((k) => k.kid)).toEqual([key2]);
  });

  it('when `keys list` runs on the same data, then it shows key 2 signing and key 1 still published; `keys rotate` adds a key that is next', async () => {
    const env = {
      DATA_DIR: service.deps.config.dataDir,
      KEY_PUBLISH_AHEAD: '3600',
      ...(service.deps.config.databaseUrl === undefined
        ? {}
        : { DATABASE_URL: service.deps.config.databaseUrl }),
    };
    const keys = await readdir(join(service.deps.config.dataDir, 'keys'));
    expect(keys).toHaveLength(2);
    const rotated = await run(['keys', 'rotate'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const key3 = rotated.stdout.trim();
    const listed = await run(['keys', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^kid\s+created\s+signs from\s+retired\s+last expiry\s+state$/);
    // Newest first: key 3 (next), key 2 (signing), key 1 (published: the CLI's clock is real).
    expect(lines.slice(1).map((l) => l.split(/\s+/).at(-1))).toEqual([
      'next',
      'signing',
      'published',
    ]);
    expect(lines[1]?.startsWith(key3)).toBe(true);
  });
});

/** Live credentials of a usable licence, and one each of a revoked device and a suspended licence. */
const USABLE = 13;

describe.each(ENGINES)('liangzheng keys reissue on %s', (engine) => {
  let service: TestService;
  let env: Record<string, string>;

  beforeAll(async () => {
    service = await startService(engine);
    env = {
      DATA_DIR: service.deps.config.dataDir,
      PUBLIC_URL: service.deps.config.publicUrl,
      LOG_LEVEL: 'silent',
      // The new key signs from the first start that sees it: the command's own.
      KEY_PUBLISH_AHEAD: '0',
      ...(service.deps.config.databaseUrl === undefined
        ? {}
        : { DATABASE_URL: service.deps.config.databaseUrl }),
    };
  });
  afterAll(async () => {
    await service.close();
  });

  /** Live credentials: licence number, jti and kid, by licence number. */
  async function live(): Promise<{ licence_number: string; jti: string; kid: string }[]> {
    return service.deps.db.kysely
      .selectFrom('credentials')
      .select(['licence_number', 'jti', 'kid'])
      .where('state', '=', 'live')
      .orderBy('licence_number')
      .execute();
  }

  it('when reissue is killed part-way and run again, then every live credential ends signed by the new key, once each, one per licence, none lost', async () => {
    const key1 = service.deps.keys.current().kid;
    const phones: { driver: Awaited<ReturnType<typeof newDriver>>; deviceId: number }[] = [];
    for (let i = 0; i < USABLE + 2; i++) {
      const driver = await newDriver(service, syntheticLicence(100 + i));
      const device = await addDevice(driver);
      await issue(driver, device);
      phones.push({ driver, deviceId: device.deviceId });
    }
    const [revoked, suspended] = phones.slice(USABLE) as [(typeof phones)[0], (typeof phones)[0]];
    await service.deps.db.kysely
      .updateTable('devices')
      .set({ revoked_at: service.now() })
      .where('id', '=', revoked.deviceId)
      .execute();
    await changeLicence(
      service.deps,
      suspended.driver.licence.licenceNumber,
      { action: 'suspend' },
      'staff:1',
    );
    const before = await live();
    expect(before).toHaveLength(USABLE + 2);
    expect(new Set(before.map((c) => c.kid))).toEqual(new Set([key1]));
    const key2 = await rotateKey(service.deps.config.dataDir);

    // Two credentials a second, two a batch: killed after the second batch's progress line.
    const first = spawn(process.execPath, [CLI, 'keys', 'reissue', '--rate', '2'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DEMO: 'false', ...env },
    });
    const lines = await progressLines(first, 3);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('close', resolve));
    expect(lines[0]).toBe(
      `re-signing every live credential not signed by ${key2} or of format version 1, at most 2 a second`,
    );
    expect(lines.slice(1)).toEqual([
      '2 re-signed, 0 skipped so far (1 batch)',
      '4 re-signed, 0 skipped so far (2 batches)',
    ]);

    const halfway = await live();
    const done = halfway.filter((c) => c.kid === key2);
    // At least what the progress said; far from all (the rest needed seconds more).
    expect(done.length).toBeGreaterThanOrEqual(4);
    expect(done.length).toBeLessThan(USABLE);
    expect(halfway).toHaveLength(USABLE + 2);

    const second = await run(['keys', 'reissue', '--rate', '0'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(
      `${USABLE - done.length} re-signed, 2 skipped (licence not usable now, device revoked, or changed meanwhile), signed by ${key2}\n`,
    );
    const progress = second.stderr.trimEnd().split('\n');
    expect(progress[0]).toBe(
      `re-signing every live credential not signed by ${key2} or of format version 1, without a rate limit`,
    );
    expect(progress.at(-1)).toBe(`${USABLE - done.length} re-signed, 2 skipped so far (1 batch)`);

    const after = await live();
    // None lost, one live credential per licence.
    expect(after.map((c) => c.licence_number)).toEqual(before.map((c) => c.licence_number));
    const excluded = new Set([
      revoked.driver.licence.licenceNumber,
      suspended.driver.licence.licenceNumber,
    ]);
    for (const c of after)
      expect(c.kid, c.licence_number).toBe(excluded.has(c.licence_number) ? key1 : key2);
    // What the killed run re-signed was not signed again.
    const afterJti = new Set(after.map((c) => c.jti));
    for (const c of done) expect(afterJti.has(c.jti), c.licence_number).toBe(true);
    const reissues = await service.deps.db.kysely
      .selectFrom('audit_log')
      .select(['subject', 'actor'])
      .where('action', '=', 'credential.reissue')
      .execute();
    expect(reissues).toHaveLength(USABLE);
    expect(new Set(reissues.map((r) => r.subject)).size).toBe(USABLE);
    expect(new Set(reissues.map((r) => r.actor))).toEqual(new Set(['cli']));

    // Once more: nothing left to do.
    const third = await run(['keys', 'reissue', '--quiet'], env);
    expect([third.code, third.stderr]).toEqual([0, '']);
    expect(third.stdout).toMatch(/^0 re-signed, 2 skipped /);
  }, 180_000);

  it('when a newer key is published but does not sign yet, then reissue refuses with exit 2 and re-signs nothing', async () => {
    const before = await live();
    const key3 = await rotateKey(service.deps.config.dataDir);
    const refused = await run(['keys', 'reissue'], { ...env, KEY_PUBLISH_AHEAD: '3600' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      new RegExp(
        `^liangzheng keys: key ${key3} is published but signs only from \\S+ \\(KEY_PUBLISH_AHEAD\\): nothing was re-signed; run keys reissue once it signs`,
      ),
    );
    expect(await live()).toEqual(before);
  }, 60_000);
});

/** Reads `child`'s stderr until `count` lines have come; fails if it exits first. */
function progressLines(child: ChildProcessWithoutNullStreams, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const lines = text.split('\n');
      if (lines.length > count) {
        child.stderr.off('data', onData);
        resolve(lines.slice(0, count));
      }
    };
    child.stderr.on('data', onData);
    child.once('close', (code) => {
      reject(new Error(`reissue exited (${String(code)}) after: ${text}`));
    });
  });
}

describe('liangzheng keys', () => {
  const dir = useTempDir('lz-keys-');

  it('when rotate runs twice on an empty DATA_DIR, then two key folders, newest listed first as next', async () => {
    const a = await run(['keys', 'rotate'], { DATA_DIR: dir() });
    const b = await run(['keys', 'rotate'], { DATA_DIR: dir() });
    expect([a.code, b.code]).toEqual([0, 0]);
    const folders = (await readdir(join(dir(), 'keys'))).sort();
    expect(folders).toHaveLength(2);
    for (const f of folders)
      expect(existsSync(join(dir(), 'keys', f, 'private.jwk.json'))).toBe(true);
    const listed = await run(['keys', 'list'], { DATA_DIR: dir() });
    expect(listed.code, listed.stderr).toBe(0);
    const rows = listed.stdout.trimEnd().split('\n').slice(1);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual([b.stdout.trim(), a.stdout.trim()]);
    expect(rows.map((r) => r.split(/\s+/).at(-1))).toEqual(['next', 'unused']);
    // Listing made no database.
    expect(existsSync(join(dir(), 'liangzheng.sqlite'))).toBe(false);
  });

  it.each([
    [
      'ISSUER_KEY_FILE is set',
      ['keys', 'rotate'],
      { ISSUER_KEY_FILE: '/etc/issuer.jwk' },
      /ISSUER_KEY_FILE is set/,
    ],
    ['no action', ['keys'], {}, /expected "rotate", "list" or "reissue", found nothing/],
    ['an unknown action', ['keys', 'spin'], {}, /expected "rotate", "list" or "reissue"/],
    [
      'a rate that is not a number',
      ['keys', 'reissue', '--rate', 'fast'],
      {},
      /--rate: expected an integer 0-1000000, found "fast"/,
    ],
    [
      '--rate with list',
      ['keys', 'list', '--rate', '5'],
      {},
      /expected with reissue only, found with list/,
    ],
    [
      'a bad configuration',
      ['keys', 'list'],
      { DATABASE_URL: 'mysql://x' },
      /DATABASE_URL: expected/,
    ],
  ])('when %s, then exit 2 with one line saying why', async (_why, args, env, message) => {
    const result = await run(args, { DATA_DIR: dir(), ...env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
