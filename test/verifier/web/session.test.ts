/*
 * The police app's verification session (verifier/web/session.ts) without a browser: against
 * the real issuer service on loopback, with the device's store in memory and its clocks and
 * link in the test's hands. Scan → verify → verdict, one verdict per code, the history, the
 * settings, the portrait without a token, and the age of keys and lists by the trusted clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../helpers/memory-store.js';
import { demoPortrait } from '../../../issuer/demo/demo-portrait.js';
import { setRegistryPhoto } from '../../../issuer/portraits/set-registry-photo.js';
import { createPresentation } from '../../../shared/create-presentation.js';
import { maskLicenceNumber } from '../../../shared/licence/id-number.js';
import { REASONS } from '../../../verifier/internal/messages.js';
import { APP_NOTICES } from '../../../verifier/web/app-messages.js';
import type { LocalStore } from '../../../verifier/web/local-store.js';
import { DEFAULT_MAX_AGE_S } from '../../../verifier/web/settings.js';
import { VerificationSession, type SessionEnv } from '../../../verifier/web/session.js';
import { addDevice, issue, newDriver, syntheticLicence } from '../../issuer/fixtures.js';
import { startService, type TestService } from '../../issuer/harness.js';

/** A device: its store, its link and its clocks, all set by the test. */
interface Device {
  readonly store: LocalStore;
  online: boolean;
  /** How far the device's clocks have moved on since the test began (ms). */
  movedMs: number;
}

let service: TestService;
let serial = 7100;
let device: Device;

function env(on: Device): SessionEnv {
  const monoMs = () => performance.now() + on.movedMs;
  return {
    store: on.store,
    origin: service.url,
    online: () => on.online,
    monoMs,
    readClocks: () => ({ deviceMs: Date.now() + on.movedMs, monoMs: monoMs() }),
  };
}

/**
 * Ages come from the issuer's `Date` (whole seconds) and the time the test takes: `seconds`
 * give or take that.
 */
const about = (seconds: number): number => expect.closeTo(seconds, -1) as number;

/** A fresh presentation of a newly issued credential, and the licence number it carries. */
async function presentation(
  withPortrait = false,
): Promise<{ text: string; licenceNumber: string }> {
  const licence = syntheticLicence(serial++);
  const driver = await newDriver(service, licence);
  if (withPortrait)
    await setRegistryPhoto(service.deps, {
      licenceNumber: licence.licenceNumber,
      bytes: await demoPortrait(3),
      actor: 'test',
    });
  const phone = await addDevice(driver);
  const issued = await issue(driver, phone);
  const text = await createPresentation(issued.credential, phone.signer, { now: new Date() });
  return { text, licenceNumber: licence.licenceNumber };
}

/** A session that has updated from the issuer and judged one fresh code green. */
async function afterOneGreenScan(): Promise<{ session: VerificationSession; text: string }> {
  const session = await VerificationSession.open(env(device));
  await session.refresh();
  const { text } = await presentation();
  expect((await session.scan(text))?.verdict.tone).toBe('valid');
  return { session, text };
}

beforeAll(async () => {
  service = await startService('sqlite');
}, 60_000);

afterAll(async () => {
  await service.close();
});

beforeEach(() => {
  device = { store: memoryStore(), online: true, movedMs: 0 };
});

describe('verification session', { timeout: 30_000 }, () => {
  it('when the device has never been online, then the strip says offline with no keys, and a code is red with ERR_UNKNOWN_ISSUER', async () => {
    device.online = false;
    const session = await VerificationSession.open(env(device));
    expect(session.dataStatus()).toEqual({ link: 'offline', hasLists: false, stale: true });
    const { text } = await presentation();
    const scan = await session.scan(text);
    expect(scan?.verdict.tone).toBe('invalid');
    expect(scan?.verdict.code).toBe('ERR_UNKNOWN_ISSUER');
    expect(scan?.verdict.notices.map((n) => n.code)).toEqual(['WARN_KEYS_MISSING']);
    expect(scan?.wantsPortrait).toBe(false);
  });

  it('when online, then the keys are fetched, the list at the first scan, the verdict is green and the history keeps the masked number; the same code again gets no second verdict until forgotten', async () => {
    const session = await VerificationSession.open(env(device));
    let changes = 0;
    session.onChange = () => {
      changes++;
    };
    await session.refresh();
    expect(changes).toBe(1);
    expect(session.dataStatus()).toEqual({
      link: 'online',
      keysAgeS: about(0),
      hasLists: false,
      stale: false,
    });

    const { text, licenceNumber } = await presentation();
    const scan = await session.scan(text);
    expect(scan?.verdict.tone).toBe('valid');
    expect(scan?.verdict.notices).toEqual([]);
    expect(scan?.wantsPortrait).toBe(true);
    expect(changes).toBe(2); // the list fetched at the scan
    expect(session.dataStatus()).toEqual({
      link: 'online',
      keysAgeS: about(0),
      listAgeS: about(0),
      hasLists: true,
      stale: false,
    });
    // Written after the verdict is given, not awaited by it.
    await expect
      .poll(() => session.history.list())
      .toEqual([{ at: scan?.atMs, tone: 'valid', masked: maskLicenceNumber(licenceNumber) }]);

    expect(await session.scan(text)).toBeUndefined();
    session.forgetLastCode();
    expect((await session.scan(text))?.verdict.tone).toBe('valid');
    await expect.poll(async () => (await session.history.list()).length).toBe(2);
  });

  it('when a second code comes while the first is verified, then only the second gets a verdict: amber, as the list the first one asked for has not come yet', async () => {
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    const [first, second] = await Promise.all([presentation(), presentation()]);
    const [a, b] = await Promise.all([session.scan(first.text), session.scan(second.text)]);
    expect(a).toBeUndefined();
    expect(b?.verdict.tone).toBe('warning');
    expect(b?.verdict.code).toBe('WARN_STATUS_UNCHECKED');
  });

  it('when a day and more passes offline after the last update, then the keys and the list are too old: the strip is stale and a verdict is never green', async () => {
    const { session, text } = await afterOneGreenScan();
    device.online = false;
    session.wentOffline();
    device.movedMs = (DEFAULT_MAX_AGE_S + 60) * 1000;
    expect(session.dataStatus()).toEqual({
      link: 'offline',
      keysAgeS: about(DEFAULT_MAX_AGE_S + 60),
      listAgeS: about(DEFAULT_MAX_AGE_S + 60),
      hasLists: true,
      stale: true,
    });
    session.forgetLastCode();
    const late = await session.scan(text);
    // The code itself has expired by now; the old keys are said as well.
    expect(late?.verdict.tone).toBe('invalid');
    expect(late?.verdict.code).toBe('ERR_PROOF_EXPIRED');
    expect(late?.verdict.headline).toEqual(REASONS.ERR_PROOF_EXPIRED);
    expect(late?.verdict.notices.map((n) => n.message)).toContainEqual(APP_NOTICES.WARN_KEYS_STALE);
  });

  it('when the keys and lists are reopened from the store offline, then the next session verifies with them', async () => {
    const { text } = await afterOneGreenScan();
    device.online = false;
    const second = await VerificationSession.open(env(device));
    expect(second.dataStatus()).toMatchObject({ link: 'offline', hasLists: true, stale: false });
    expect((await second.scan(text))?.verdict.tone).toBe('valid');
    await expect.poll(async () => (await second.history.list()).length).toBe(2);
  });

  it('when settings are saved, then a wrong one is refused with nothing kept, a right one is kept for the next session', async () => {
    const session = await VerificationSession.open(env(device));
    await expect(
      session.saveSettings({ issuerUrl: 'ftp://x', maxAgeS: 3600, token: '' }),
    ).rejects.toThrow(new RangeError('issuerUrl: expected an absolute http(s) URL'));
    expect(session.settings).toEqual({ issuerUrl: '', maxAgeS: DEFAULT_MAX_AGE_S, token: '' });
    expect(session.issuerUrl).toBe(service.url);

    await session.saveSettings({ issuerUrl: `${service.url}/`, maxAgeS: 7200, token: ' t0k ' });
    const next = await VerificationSession.open(env(device));
    expect(next.settings).toEqual({ issuerUrl: service.url, maxAgeS: 7200, token: 't0k' });
  });

  it('when a green verdict’s credential has no portrait, or no device token is set, then the portrait is unavailable for that reason', async () => {
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    for (const [withPortrait, reason] of [
      [false, 'no-portrait'],
      [true, 'no-token'],
    ] as const) {
      const scan = await session.scan((await presentation(withPortrait)).text);
      if (scan === undefined) throw new Error('expected a verdict');
      expect(scan.verdict.tone).toBe('valid');
      expect(await session.portrait(scan)).toEqual({ state: 'unavailable', reason });
    }
  });
});
