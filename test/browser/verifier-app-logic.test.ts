/*
 * The police app's own rules, without a browser: the trusted clock, the verdict colour and its
 * freshness policy, the masked licence number, where a status list is fetched from, settings,
 * and the portrait's hash check against a real loopback server.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../helpers/memory-store.js';
import {
  NOT_SHOWN,
  PASSED,
  REASONS,
  VALID,
  VALID_WITH_WARNINGS,
} from '../../verifier/internal/messages.js';
import { CHECK_IDS, type VerificationReport } from '../../verifier/report.js';
import { APP_NOTICES } from '../../verifier/web/app-messages.js';
import { decideVerdict } from '../../verifier/web/decide-verdict.js';
import { fetchPortrait } from '../../verifier/web/fetch-portrait.js';
import { chinaDateTime } from '../../shared/china-time.js';
import { formatAge } from '../../verifier/web/format.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import { checkSettings, DEFAULT_MAX_AGE_S, loadSettings } from '../../verifier/web/settings.js';
import { statusListUrl } from '../../verifier/web/status-list-url.js';
import { ClockKeeper } from '../../verifier/web/clock-keeper.js';
import type { LocalStore } from '../../verifier/web/local-store.js';
import {
  effectiveTime,
  noteTimeUsed,
  observeTrustedTime,
} from '../../verifier/web/trusted-clock.js';

const T = Date.UTC(2026, 2, 10, 2, 0, 0);
const TOL = 10_000;

describe('trusted clock', () => {
  it('when never online, then the device clock is used and its state is unknown', () => {
    expect(effectiveTime(undefined, undefined, { deviceMs: T, monoMs: 5 }, TOL)).toEqual({
      nowMs: T,
      state: 'unknown',
      differenceMs: 0,
    });
  });

  it('when the device clock agrees with the issuer, then it is used and ok', () => {
    const record = observeTrustedTime(undefined, T, T + 400, true);
    expect(effectiveTime(record, undefined, { deviceMs: T + 60_400, monoMs: 0 }, TOL)).toEqual({
      nowMs: T + 60_000,
      state: 'ok',
      differenceMs: 400,
    });
  });

  it('when the device clock is set back a day after the last online check (a new session), then the effective clock stays at the last trusted time and the clock is behind', () => {
    const record = observeTrustedTime(undefined, T, T, true);
    const time = effectiveTime(record, undefined, { deviceMs: T - 86_400_000, monoMs: 0 }, TOL);
    expect(time).toEqual({ nowMs: T, state: 'behind', differenceMs: -86_400_000 });
  });

  it('when the device clock is set back in the same session, then the monotonic clock carries the trusted time on', () => {
    const record = observeTrustedTime(undefined, T, T, true);
    const session = { trustedMs: T, monoMs: 1000 };
    const time = effectiveTime(record, session, { deviceMs: T - 3600_000, monoMs: 121_000 }, TOL);
    expect(time).toEqual({ nowMs: T + 120_000, state: 'behind', differenceMs: -3720_000 });
  });

  it('when the device clock was 5 minutes ahead when last online, then the issuer’s time is used and the clock is ahead', () => {
    const record = observeTrustedTime(undefined, T, T + 300_000, true);
    const time = effectiveTime(record, undefined, { deviceMs: T + 310_000, monoMs: 0 }, TOL);
    expect(time).toEqual({ nowMs: T + 10_000, state: 'ahead', differenceMs: 300_000 });
  });

  it('when only a list iat is seen, then it raises the floor but sets no skew', () => {
    const record = observeTrustedTime(undefined, T, T + 999_999, false);
    expect(record).toEqual({ floorMs: T });
    const later = observeTrustedTime(record, T - 5000, T, false);
    expect(later).toEqual({ floorMs: T });
  });
});

/** A session of the app: a clock keeper over `store`, reading the device clock at `deviceMs()`. */
async function session(store: LocalStore, deviceMs: () => number): Promise<ClockKeeper> {
  // The monotonic clock stands still: each test moves the device clock only.
  const keeper = new ClockKeeper(store, TOL, () => ({ deviceMs: deviceMs(), monoMs: 0 }));
  await keeper.load();
  return keeper;
}

describe('trusted clock across sessions (the highest time reached)', () => {
  const HOUR = 3600_000;

  it('when the clock is set back offline but stays above the last sync, after a later time was reached, then ages are taken from the highest time reached and the verdict is amber, the clock flagged', async () => {
    const store = memoryStore();
    // Online at T: the issuer's time, and the status list fetched then.
    let device = T;
    const online = await session(store, () => device);
    await online.observe(T, true);
    const listFetchedAt = online.now().nowMs;
    // Offline, 72 hours later, the app is used with the device clock right.
    device = T + 72 * HOUR;
    const later = await session(store, () => device);
    expect(later.now()).toMatchObject({ nowMs: T + 72 * HOUR, state: 'ok' });
    // Then the device clock is put back to 1 hour after the sync, and the app opened again.
    device = T + HOUR;
    const setBack = await session(store, () => device);
    const time = setBack.now();
    expect(time).toEqual({ nowMs: T + 72 * HOUR, state: 'behind', differenceMs: -71 * HOUR });
    const v = decideVerdict(report(), {
      maxAgeS: 24 * 3600,
      keysAgeS: (time.nowMs - listFetchedAt) / 1000,
      listAgeS: (time.nowMs - listFetchedAt) / 1000,
      clock: time.state,
    });
    expect([v.tone, v.code, v.notices.map((n) => n.code)]).toEqual([
      'warning',
      'WARN_STATUS_STALE',
      ['WARN_STATUS_STALE', 'WARN_KEYS_STALE', 'WARN_DEVICE_CLOCK_BEHIND'],
    ]);
    expect(v.notices.at(-1)?.message).toEqual(APP_NOTICES.WARN_DEVICE_CLOCK_BEHIND);
  });

  it('when the clock moves on normally between sessions, then it is used and ok; back within the tolerance, then still ok', async () => {
    const store = memoryStore();
    let device = T;
    await (await session(store, () => device)).observe(T, true);
    device = T + HOUR;
    expect((await session(store, () => device)).now()).toEqual({
      nowMs: T + HOUR,
      state: 'ok',
      differenceMs: 0,
    });
    device = T + HOUR - 5000;
    expect((await session(store, () => device)).now()).toEqual({
      nowMs: T + HOUR,
      state: 'ok',
      differenceMs: -5000,
    });
  });

  it('when the clock ran ahead offline and was set right, then behind until the issuer’s time is seen again, which replaces the highest time reached', async () => {
    const store = memoryStore();
    let device = T;
    await (await session(store, () => device)).observe(T, true);
    // Offline, the device clock is put 9 hours ahead by mistake and the app used.
    device = T + 9 * HOUR;
    expect((await session(store, () => device)).now().nowMs).toBe(T + 9 * HOUR);
    // An hour after the sync the clock is set right: doubtful, until the issuer is reached.
    device = T + HOUR;
    const online = await session(store, () => device);
    expect(online.now()).toMatchObject({ nowMs: T + 9 * HOUR, state: 'behind' });
    await online.observe(T + HOUR, true);
    expect(online.now()).toEqual({ nowMs: T + HOUR, state: 'ok', differenceMs: 0 });
    expect((await session(store, () => device)).now()).toEqual({
      nowMs: T + HOUR,
      state: 'ok',
      differenceMs: 0,
    });
  });

  it('when a time is used, then noteTimeUsed keeps it only when it is higher; an exact observation drops it, a lower bound keeps it', () => {
    const record = observeTrustedTime(undefined, T, T, true);
    const used = noteTimeUsed(record, T + 5000);
    expect(used).toEqual({ floorMs: T, skewMs: 0, highestMs: T + 5000 });
    expect(noteTimeUsed(used, T + 1000)).toBe(used);
    expect(observeTrustedTime(used, T + 2000, T + 2000, false)).toEqual({
      ...used,
      floorMs: T + 2000,
    });
    expect(observeTrustedTime(used, T + 2000, T + 2000, true)).toEqual({
      floorMs: T + 2000,
      skewMs: 0,
    });
  });
});

/** A report as the core makes it: every check passed, or one changed. */
function report(
  change: Partial<Record<string, Partial<VerificationReport['checks'][number]>>> = {},
): VerificationReport {
  const checks = CHECK_IDS.map((id) => ({
    id,
    status: 'PASSED' as const,
    message: PASSED[id],
    ...change[id],
  }));
  const failure = checks.find((c) => c.status === 'FAILED');
  const warnings = checks.filter((c) => c.status === 'WARNING').map((c) => c.code as never);
  return {
    valid: failure === undefined,
    ...(failure?.code === undefined ? {} : { code: failure.code }),
    message: failure?.message ?? (warnings.length > 0 ? VALID_WITH_WARNINGS : VALID),
    warnings,
    checks,
    verifiedAt: new Date(T).toISOString(),
  };
}

describe('verdict colour', () => {
  const fresh = { maxAgeS: 3600, keysAgeS: 60, listAgeS: 60, clock: 'ok' as const };

  it('when every check passed on fresh data, then green 有效', () => {
    const v = decideVerdict(report(), fresh);
    expect([v.tone, v.code, v.headline, v.notices]).toEqual(['valid', undefined, VALID, []]);
  });

  it('when the list was fetched longer ago than allowed, then amber with the core’s WARN_STATUS_STALE, in the report too', () => {
    const v = decideVerdict(report(), { ...fresh, listAgeS: 7200 });
    expect([v.tone, v.code, v.headline]).toEqual([
      'warning',
      'WARN_STATUS_STALE',
      VALID_WITH_WARNINGS,
    ]);
    expect(v.report.checks.find((c) => c.id === 'status_list')).toMatchObject({
      status: 'WARNING',
      code: 'WARN_STATUS_STALE',
      message: REASONS.WARN_STATUS_STALE,
    });
    expect(v.report.warnings).toEqual(['WARN_STATUS_STALE']);
  });

  it('when the keys are old, none were ever fetched, or the clock disagrees, then amber with this app’s notice', () => {
    expect(decideVerdict(report(), { ...fresh, keysAgeS: 7200 }).code).toBe('WARN_KEYS_STALE');
    expect(decideVerdict(report(), { maxAgeS: 3600, listAgeS: 60, clock: 'ok' }).code).toBe(
      'WARN_KEYS_MISSING',
    );
    const behind = decideVerdict(report(), { ...fresh, clock: 'behind' });
    expect([behind.tone, behind.notices]).toEqual([
      'warning',
      [{ code: 'WARN_DEVICE_CLOCK_BEHIND', message: APP_NOTICES.WARN_DEVICE_CLOCK_BEHIND }],
    ]);
    expect(decideVerdict(report(), { ...fresh, clock: 'ahead' }).code).toBe(
      'WARN_DEVICE_CLOCK_AHEAD',
    );
  });

  it('when a valid code was made for another purpose than the police (rental, an age check, an age check saying under 18), then green like any valid code: the purpose and what was shown are the screen’s to say, not a warning', () => {
    const notShown = {
      licence_status: { status: 'SKIPPED' as const, message: NOT_SHOWN },
      licence_validity: { status: 'SKIPPED' as const, message: NOT_SHOWN },
    };
    const cases: VerificationReport[] = [
      {
        ...report(),
        licence: { name: '王伟', classes: ['C1'] },
        disclosure: {
          version: 2,
          purpose: 'rental',
          disclosed: ['holder', 'driving'],
          withheld: ['identity', 'file', 'age_over_18', 'age_over_60'],
        },
      },
      ...[true, false].map((ageOver18) => ({
        ...report(notShown),
        licence: {},
        disclosure: {
          version: 2 as const,
          purpose: 'age' as const,
          disclosed: ['age_over_18' as const],
          withheld: ['holder', 'driving', 'identity', 'file', 'age_over_60'] as const,
          ageOver18,
        },
      })),
    ];
    for (const core of cases) {
      const v = decideVerdict(core, fresh);
      expect([v.tone, v.code, v.headline, v.notices]).toEqual(['valid', undefined, VALID, []]);
      expect(v.report.disclosure).toEqual(core.disclosure);
    }
  });

  it('when a check failed, then red with the core’s reason, whatever else is old', () => {
    const failed = report({
      licence_status: { status: 'FAILED', code: 'ERR_REVOKED', message: REASONS.ERR_REVOKED },
    });
    const v = decideVerdict(failed, { ...fresh, listAgeS: 7200, clock: 'behind' });
    expect([v.tone, v.code, v.headline]).toEqual(['invalid', 'ERR_REVOKED', REASONS.ERR_REVOKED]);
    expect(v.notices.map((n) => n.code)).toEqual(['WARN_STATUS_STALE', 'WARN_DEVICE_CLOCK_BEHIND']);
  });
});

describe('small rules', () => {
  it('when a licence number is masked, then the first 6 and last 4 characters remain', () => {
    expect(maskLicenceNumber('44010619900307242X')).toBe('440106********242X');
    expect(maskLicenceNumber('1234567890')).toBe('**********');
  });

  it('when a list URI is under the credential’s iss, then it is fetched from the configured issuer', () => {
    expect(
      statusListUrl('https://issuer.test/status/1', 'https://issuer.test', 'http://127.0.0.1:8080'),
    ).toBe('http://127.0.0.1:8080/status/1');
    expect(
      statusListUrl(
        'https://jtgl.example.cn/status/3',
        'https://issuer.test',
        'http://127.0.0.1:8080/',
      ),
    ).toBe('https://jtgl.example.cn/status/3');
    expect(() => statusListUrl('x', 'y', 'ftp://a')).toThrow(TypeError);
  });

  /** The error checkSettings throws for `setting`, which the form names on screen. */
  const refused = (setting: string, expected: string) =>
    expect.objectContaining({
      name: 'SettingError',
      setting,
      message: `${setting}: ${expected}`,
    }) as unknown as Error;

  it('when settings are entered, then a bad issuer URL, age or token is refused, naming the setting, and the rest is trimmed', () => {
    const token = 'A'.repeat(42) + 'w';
    expect(
      checkSettings({
        issuerUrl: ' https://a.example/ ',
        maxAgeS: 3600,
        token: ` ${token} `,
        acceptVersion1: false,
      }),
    ).toEqual({
      issuerUrl: 'https://a.example',
      maxAgeS: 3600,
      token,
      acceptVersion1: false,
    });
    // 43 characters whose last one leaves bits over (not 32 bytes' canonical base64url), one
    // short, one with a character base64url has not.
    for (const typed of ['A'.repeat(42) + 'B', token.slice(1), `${token.slice(1)}=`]) {
      const entered = { issuerUrl: '', maxAgeS: 60, token: typed, acceptVersion1: true };
      expect(() => checkSettings(entered)).toThrow(
        refused(
          'token',
          `expected the device token the console showed (43 characters), found ${typed.length} characters`,
        ),
      );
    }
    expect(() =>
      checkSettings({
        issuerUrl: 'javascript:alert(1)',
        maxAgeS: 1,
        token: '',
        acceptVersion1: true,
      }),
    ).toThrow(refused('issuerUrl', 'expected an absolute http(s) URL'));
    expect(() =>
      checkSettings({ issuerUrl: '', maxAgeS: 0, token: '', acceptVersion1: true }),
    ).toThrow(refused('maxAgeS', 'expected a positive number of seconds'));
    // A value kept by an older page, or typed by hand into the store, is not taken for a choice.
    expect(() =>
      checkSettings({
        issuerUrl: '',
        maxAgeS: 60,
        token: '',
        acceptVersion1: 'no' as unknown as boolean,
      }),
    ).toThrow(refused('acceptVersion1', 'expected true or false'));
  });

  it('when settings are loaded, then version 1 is accepted unless the officer turned it off, and a kept value that is not a boolean counts as the default', async () => {
    const store = memoryStore();
    expect((await loadSettings(store)).acceptVersion1).toBe(true);
    await store.set('settings', { acceptVersion1: false });
    expect(await loadSettings(store)).toEqual({
      issuerUrl: '',
      maxAgeS: DEFAULT_MAX_AGE_S,
      token: '',
      acceptVersion1: false,
    });
    await store.set('settings', { acceptVersion1: 'false' });
    expect((await loadSettings(store)).acceptVersion1).toBe(true);
  });

  it('when times are shown, then in China’s time zone, and ages in words', () => {
    expect(chinaDateTime(Date.UTC(2026, 10, 24, 16, 30, 5))).toBe('2026-11-25 00:30:05');
    expect([
      formatAge(30, 'zh'),
      formatAge(300, 'zh'),
      formatAge(7300, 'en'),
      formatAge(200_000, 'zh'),
    ]).toEqual(['刚刚', '5 分钟前', '2 h ago', '2 天前']);
  });
});

describe('portrait hash check (a loopback server in the issuer’s place)', () => {
  const image = Buffer.from('a portrait, as far as this test is concerned');
  const hash = createHash('sha256').update(image).digest('base64url');
  let server: Server;
  let url: string;
  const seen: { auth?: string; body?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          ...(req.headers.authorization === undefined ? {} : { auth: req.headers.authorization }),
          body,
        });
        if (req.headers.authorization === 'Bearer age') {
          res.writeHead(403, { 'content-type': 'application/problem+json' });
          res.end(JSON.stringify({ code: 'ERR_PORTRAIT_BEYOND_ROLE' }));
          return;
        }
        if (req.headers.authorization !== 'Bearer good') {
          res.writeHead(401, { 'content-type': 'application/problem+json' });
          res.end(JSON.stringify({ code: 'ERR_VERIFIER_DEVICE_UNKNOWN' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(image);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );

  const ask = (token: string, portraitHash: string | undefined, online = true) =>
    fetchPortrait({ issuerUrl: url, token, presentation: 'LZ1:123', portraitHash, online });

  it('when the bytes hash to ph, then shown; to anything else, then mismatch', async () => {
    expect(await ask('good', hash)).toEqual({ state: 'shown', bytes: new Uint8Array(image) });
    expect(await ask('good', 'A'.repeat(43))).toEqual({ state: 'mismatch' });
    expect(seen.at(-1)).toEqual({ auth: 'Bearer good', body: '{"presentation":"LZ1:123"}' });
  });

  it('when there is no token, no network, no ph, or the issuer refuses, then unavailable with the reason', async () => {
    expect(await ask('', hash)).toEqual({ state: 'unavailable', reason: 'no-token' });
    expect(await ask('good', hash, false)).toEqual({ state: 'unavailable', reason: 'offline' });
    expect(await ask('good', undefined)).toEqual({ state: 'unavailable', reason: 'no-portrait' });
    expect(await ask('bad', hash)).toEqual({
      state: 'unavailable',
      reason: 'error',
      detail: 'ERR_VERIFIER_DEVICE_UNKNOWN',
    });
    // A device whose role may not see the holder is told so, not given a bare error.
    expect(await ask('age', hash)).toEqual({ state: 'unavailable', reason: 'beyond-role' });
  });
});
