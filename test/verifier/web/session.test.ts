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
import { chinaDate } from '../../../shared/china-time.js';
import { createPresentation } from '../../../shared/create-presentation.js';
import { maskLicenceNumber } from '../../../shared/licence/id-number.js';
import type { LicenceRecord } from '../../../shared/licence/record.js';
import type { Purpose } from '../../../shared/sd/groups.js';
import {
  createPresentationV2,
  decodePresentationV2,
  encodePresentationV2,
} from '../../../shared/sd/presentation-v2.js';
import { nodeBackend } from '../../../verifier/backends/node.js';
import { webCryptoBackend } from '../../../verifier/backends/webcrypto.js';
import { NOT_SHOWN, REASONS } from '../../../verifier/internal/messages.js';
import { APP_NOTICES } from '../../../verifier/web/app-messages.js';
import type { LocalStore } from '../../../verifier/web/local-store.js';
import { DEFAULT_MAX_AGE_S } from '../../../verifier/web/settings.js';
import { VerificationSession, type Scan, type SessionEnv } from '../../../verifier/web/session.js';
import { asVersion1, asVersion2, bornOn } from '../../helpers/version2-holder.js';
import { addDevice, issue, newDriver, syntheticLicence } from '../../issuer/fixtures.js';
import { startService, type TestService } from '../../issuer/harness.js';
import { deviceTokenFor } from '../../helpers/device-token.js';

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
 * The device talking to a service without the index of status lists (GET /status: 404, as an
 * older service answers): it holds only the lists of codes it has seen.
 */
function withoutIndex(on: Device): SessionEnv {
  return {
    ...env(on),
    fetch: (input, init) =>
      new URL(input instanceof Request ? input.url : String(input)).pathname === '/status'
        ? Promise.resolve(new Response('{}', { status: 404 }))
        : fetch(input, init),
  };
}

/** The bytes of the status list tokens the service serves now, all lists. */
async function servedListBytes(): Promise<{ count: number; bytes: number }> {
  const index = (await (await fetch(new URL('/status', service.url))).json()) as {
    lists: string[];
  };
  let bytes = 0;
  for (const uri of index.lists)
    bytes += (await (await fetch(new URL(new URL(uri).pathname, service.url))).text()).length;
  return { count: index.lists.length, bytes };
}

/**
 * Ages come from the issuer's `Date` (whole seconds) and the time the test takes: `seconds`
 * give or take that.
 */
const about = (seconds: number): number => expect.closeTo(seconds, -1) as number;

/** A fresh presentation of a newly issued credential, and the licence number it carries. */
async function presentation(
  withPortrait = false,
  version: 1 | 2 = 2,
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
  const now = new Date();
  const text =
    version === 1
      ? await createPresentation(
          await asVersion1(service.deps, issued.holderCopy, licence),
          phone.signer,
          { now },
        )
      : await createPresentationV2(issued.holderCopy, phone.signer, { now });
  return { text, licenceNumber: licence.licenceNumber };
}

/** A holder of a version 2 credential the service's key signed: the copy, the phone's key. */
interface HolderV2 {
  readonly copy: string;
  readonly signer: Parameters<typeof createPresentationV2>[1];
  readonly licence: LicenceRecord;
}

/**
 * A newly issued credential as a version 2 holder copy; `change` gives the licence it carries
 * (the registry keeps the synthetic one).
 */
async function holderV2(
  options: { withPortrait?: boolean; change?: (l: LicenceRecord) => LicenceRecord } = {},
): Promise<HolderV2> {
  const registered = syntheticLicence(serial++);
  const driver = await newDriver(service, registered);
  if (options.withPortrait === true)
    await setRegistryPhoto(service.deps, {
      licenceNumber: registered.licenceNumber,
      bytes: await demoPortrait(3),
      actor: 'test',
    });
  const phone = await addDevice(driver);
  const issued = await issue(driver, phone);
  const licence = options.change?.(registered) ?? registered;
  const copy = await asVersion2(service.deps, issued.holderCopy, licence);
  return { copy, signer: phone.signer, licence };
}

/** A code of `holder` made now for `purpose` (custom: the groups given). */
function presentV2(holder: HolderV2, purpose: Purpose, groups?: number[]): Promise<string> {
  return createPresentationV2(holder.copy, holder.signer, {
    now: new Date(),
    purpose,
    ...(groups === undefined ? {} : { groups }),
  });
}

/** The checks of a report as `id:status`, the not-shown ones marked. */
function checkList(scan: Scan | undefined): string[] {
  return (scan?.verdict.report.checks ?? []).map(
    (c) => `${c.id}:${c.status}${c.message === NOT_SHOWN ? ':not-shown' : ''}`,
  );
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
    expect(session.dataStatus()).toEqual({
      link: 'offline',
      hasLists: false,
      listCount: 0,
      listBytes: 0,
      stale: true,
    });
    const { text } = await presentation();
    const scan = await session.scan(text);
    expect(scan?.verdict.tone).toBe('invalid');
    expect(scan?.verdict.code).toBe('ERR_UNKNOWN_ISSUER');
    expect(scan?.verdict.notices.map((n) => n.code)).toEqual(['WARN_KEYS_MISSING']);
    expect(scan?.wantsPortrait).toBe(false);
  });

  it.each([
    ['WebCrypto’s Ed25519', true],
    ['noble’s (a WebCrypto without Ed25519)', false],
  ] as const)(
    'when a code is verified with %s, then it is green, and with its proof or its credential’s signature changed it is red with ERR_HOLDER_SIGNATURE or ERR_BAD_SIGNATURE',
    async (_what, native) => {
      const backend = native
        ? await webCryptoBackend()
        : await webCryptoBackend({
            importKey: () => Promise.reject(new DOMException('no Ed25519', 'NotSupportedError')),
          } as unknown as SubtleCrypto);
      expect(backend.native).toBe(native);
      const session = await VerificationSession.open({ ...env(device), backend });
      await session.refresh();
      const { text } = await presentation();
      const parts = decodePresentationV2(text, nodeBackend);
      const flipped = (bytes: Uint8Array) =>
        Uint8Array.from(bytes, (b, i) => (i === 5 ? b ^ 1 : b));
      const verdicts = [];
      for (const code of [
        text,
        encodePresentationV2({ ...parts, proofSignature: flipped(parts.proofSignature) }),
        encodePresentationV2({ ...parts, credentialSignature: flipped(parts.credentialSignature) }),
      ]) {
        const { verdict } = (await session.scan(code)) as Scan;
        verdicts.push([verdict.tone, verdict.code]);
      }
      expect(verdicts).toEqual([
        ['valid', undefined],
        ['invalid', 'ERR_HOLDER_SIGNATURE'],
        ['invalid', 'ERR_BAD_SIGNATURE'],
      ]);
    },
  );

  it('when online with a service that has no index of lists, then the keys are fetched, the list at the first scan, the verdict is green and the history keeps the masked number; the same code again gets no second verdict until forgotten', async () => {
    const session = await VerificationSession.open(withoutIndex(device));
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
      listCount: 0,
      listBytes: 0,
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
      listCount: 1,
      listBytes: expect.any(Number) as number,
      stale: false,
    });
    // Written after the verdict is given, not awaited by it.
    await expect
      .poll(() => session.history.list())
      .toEqual([
        {
          at: scan?.atMs,
          tone: 'valid',
          purpose: 'police',
          masked: maskLicenceNumber(licenceNumber),
        },
      ]);

    expect(await session.scan(text)).toBeUndefined();
    session.forgetLastCode();
    expect((await session.scan(text))?.verdict.tone).toBe('valid');
    await expect.poll(async () => (await session.history.list()).length).toBe(2);
  });

  it('when a second code comes while the first waits for its status list, then only the second gets a verdict: amber, as the list the first one asked for has not come yet; the list is asked for once', async () => {
    // The list's answer is held until the second code has its verdict: verification is
    // asynchronous (WebCrypto), so without the hold the list could come first on a busy machine.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const asked: string[] = [];
    let holding = false;
    const base = withoutIndex(device);
    const session = await VerificationSession.open({
      ...base,
      fetch: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (holding && url.pathname.startsWith('/status/')) {
          asked.push(url.pathname);
          await held;
        }
        return (base.fetch ?? fetch)(input, init);
      },
    });
    await session.refresh();
    holding = true;
    const [first, second] = await Promise.all([presentation(), presentation()]);
    const a = session.scan(first.text);
    await expect.poll(() => asked.length).toBe(1);
    const b = await session.scan(second.text);
    expect(b?.verdict.tone).toBe('warning');
    expect(b?.verdict.code).toBe('WARN_STATUS_UNCHECKED');
    release();
    expect(await a).toBeUndefined();
    expect(asked).toHaveLength(1);
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
      listCount: (await servedListBytes()).count,
      listBytes: expect.any(Number) as number,
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

  it('when the device updates online and then goes offline before its first scan (离线准备), then it holds every list of the issuer and a code it never saw is green', async () => {
    // Codes issued before the update, on the service's lists; none of them scanned online.
    const codes = [await holderV2(), await holderV2()];
    const session = await VerificationSession.open(env(device));
    expect(await session.prepareOffline()).toBe(true);
    const served = await servedListBytes();
    expect(served.count).toBeGreaterThan(0);
    expect(session.dataStatus()).toMatchObject({
      link: 'online',
      hasLists: true,
      listCount: served.count,
      listBytes: served.bytes,
      stale: false,
    });
    device.online = false;
    session.wentOffline();
    for (const code of codes) {
      const scan = await session.scan(await presentV2(code, 'police'));
      expect([scan?.verdict.tone, scan?.verdict.code]).toEqual(['valid', undefined]);
    }
    // Reopened offline: the same lists, from the device's store.
    const reopened = await VerificationSession.open(env(device));
    expect(reopened.dataStatus()).toMatchObject({ link: 'offline', listCount: served.count });
    const scan = await reopened.scan(await presentV2(codes[0] as HolderV2, 'rental'));
    expect(scan?.verdict.tone).toBe('valid');
  });

  it('when the issuer cannot be reached, then 离线准备 says so and the lists held stay', async () => {
    const session = await VerificationSession.open(env(device));
    await session.prepareOffline();
    const held = session.dataStatus().listCount;
    device.online = false;
    const cut = await VerificationSession.open({
      ...env(device),
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    expect(await cut.prepareOffline()).toBe(false);
    expect(cut.dataStatus()).toMatchObject({ link: 'offline', listCount: held });
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
      session.saveSettings({
        issuerUrl: 'ftp://x',
        maxAgeS: 3600,
        token: '',
        acceptVersion1: false,
      }),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'SettingError',
        setting: 'issuerUrl',
        message: 'issuerUrl: expected an absolute http(s) URL',
      }),
    );
    expect(session.settings).toEqual({
      issuerUrl: '',
      maxAgeS: DEFAULT_MAX_AGE_S,
      token: '',
      acceptVersion1: true,
    });
    expect(session.issuerUrl).toBe(service.url);

    await session.saveSettings({
      issuerUrl: `${service.url}/`,
      maxAgeS: 7200,
      token: ` ${deviceTokenFor('t0k')} `,
      acceptVersion1: false,
    });
    const next = await VerificationSession.open(env(device));
    expect(next.settings).toEqual({
      issuerUrl: service.url,
      maxAgeS: 7200,
      token: deviceTokenFor('t0k'),
      acceptVersion1: false,
    });
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

describe('verification session: codes of format version 2', { timeout: 30_000 }, () => {
  const RUN = [
    'parse:PASSED',
    'type:PASSED',
    'issuer_known:PASSED',
    'issuer_signature:PASSED',
    'claims:PASSED',
    'disclosures:PASSED',
    'holder_signature:PASSED',
    'proof_freshness:PASSED',
    'credential_time:PASSED',
    'status_list:PASSED',
  ];

  it('when a police code shows everything, then green with the whole licence, the purpose police, the portrait asked for and the masked number kept', async () => {
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    const holder = await holderV2({ withPortrait: true });
    const scan = await session.scan(await presentV2(holder, 'police'));
    expect(scan?.verdict.tone).toBe('valid');
    expect(scan?.verdict.report.licence).toEqual(holder.licence);
    expect(scan?.verdict.report.disclosure).toMatchObject({
      version: 2,
      purpose: 'police',
      withheld: [],
    });
    expect(checkList(scan)).toEqual([...RUN, 'licence_status:PASSED', 'licence_validity:PASSED']);
    expect([scan?.wantsPortrait, scan?.portraitShown]).toEqual([true, true]);
    await expect
      .poll(() => session.history.list())
      .toEqual([
        {
          at: scan?.atMs,
          tone: 'valid',
          purpose: 'police',
          masked: maskLicenceNumber(holder.licence.licenceNumber),
        },
      ]);
  });

  it('when a rental code shows name, portrait and driving data only, then green with exactly those, the portrait asked for, and the history keeps the purpose without any number', async () => {
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    const holder = await holderV2({ withPortrait: true });
    const scan = await session.scan(await presentV2(holder, 'rental'));
    expect(scan?.verdict.tone).toBe('valid');
    const { name, classes, validFrom, validTo, status, points } = holder.licence;
    expect(scan?.verdict.report.licence).toEqual({
      name,
      classes,
      validFrom,
      validTo,
      status,
      points,
    });
    expect(scan?.verdict.report.disclosure).toMatchObject({
      purpose: 'rental',
      disclosed: ['holder', 'driving'],
    });
    expect(checkList(scan)).toEqual([...RUN, 'licence_status:PASSED', 'licence_validity:PASSED']);
    expect([scan?.wantsPortrait, scan?.portraitShown]).toEqual([true, true]);
    if (scan === undefined) throw new Error('expected a verdict');
    // Asked for: without a device token it is the token that is missing, not the portrait.
    expect(await session.portrait(scan)).toEqual({ state: 'unavailable', reason: 'no-token' });
    await expect
      .poll(() => session.history.list())
      .toEqual([{ at: scan.atMs, tone: 'valid', purpose: 'rental' }]);
  });

  it('when an age code shows only the age flag, then green with ageOver18 and no licence field; the licence checks are not run for want of the driving data, and no portrait is asked for', async () => {
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    const scan = await session.scan(await presentV2(await holderV2(), 'age'));
    expect([scan?.verdict.tone, scan?.verdict.code]).toEqual(['valid', undefined]);
    expect(scan?.verdict.report.licence).toEqual({});
    expect(scan?.verdict.report.disclosure).toEqual({
      version: 2,
      purpose: 'age',
      disclosed: ['age_over_18'],
      withheld: ['holder', 'driving', 'identity', 'file', 'age_over_60'],
      ageOver18: true,
    });
    expect(checkList(scan)).toEqual([
      ...RUN,
      'licence_status:SKIPPED:not-shown',
      'licence_validity:SKIPPED:not-shown',
    ]);
    expect([scan?.wantsPortrait, scan?.portraitShown]).toEqual([false, false]);
    await expect
      .poll(() => session.history.list())
      .toEqual([{ at: scan?.atMs, tone: 'valid', purpose: 'age' }]);
  });

  it('when an age code says the holder is under 18, then the verdict is still green (the code is valid), with ageOver18 false', async () => {
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    const year = Number(chinaDate(new Date()).slice(0, 4));
    const holder = await holderV2({
      change: (l) => bornOn(l, `${year - 17}-01-01`, `${year - 1}-01-01`),
    });
    const scan = await session.scan(await presentV2(holder, 'age'));
    expect([scan?.verdict.tone, scan?.verdict.notices]).toEqual(['valid', []]);
    expect(scan?.verdict.report.disclosure?.ageOver18).toBe(false);
  });

  it('when a custom code withholds the holder group, then the portrait is neither asked for nor fetched, even with a device token', async () => {
    const asked: string[] = [];
    const session = await VerificationSession.open({
      ...env(device),
      fetch: (input, init) => {
        asked.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    await session.saveSettings({ ...session.settings, token: deviceTokenFor('some-device-token') });
    await session.refresh();
    const holder = await holderV2({ withPortrait: true });
    const scan = await session.scan(await presentV2(holder, 'custom', [1, 2]));
    if (scan === undefined) throw new Error('expected a verdict');
    expect(scan.verdict.tone).toBe('valid');
    expect(scan.verdict.report.licence?.name).toBeUndefined();
    expect(scan.verdict.report.licence?.licenceNumber).toBe(holder.licence.licenceNumber);
    expect(scan.verdict.report.credential?.portraitHash).toBeUndefined();
    expect([scan.wantsPortrait, scan.portraitShown]).toEqual([false, false]);
    expect(await session.portrait(scan)).toEqual({ state: 'unavailable', reason: 'no-portrait' });
    expect(asked.filter((url) => url.includes('portrait'))).toEqual([]);
    await expect
      .poll(() => session.history.list())
      .toEqual([
        {
          at: scan.atMs,
          tone: 'valid',
          purpose: 'custom',
          masked: maskLicenceNumber(holder.licence.licenceNumber),
        },
      ]);
  });

  it('when version 1 is turned off in the settings, then a version 1 code is red with ERR_VERSION_RETIRED and a version 2 code is still green; turned on again, the version 1 code is green', async () => {
    const session = await VerificationSession.open(env(device));
    await session.refresh();
    expect(session.settings.acceptVersion1).toBe(true);
    await session.saveSettings({ ...session.settings, acceptVersion1: false });
    const { text } = await presentation(false, 1);
    const old = await session.scan(text);
    expect([old?.verdict.tone, old?.verdict.code, old?.verdict.headline]).toEqual([
      'invalid',
      'ERR_VERSION_RETIRED',
      REASONS.ERR_VERSION_RETIRED,
    ]);
    expect(old?.wantsPortrait).toBe(false);
    expect((await session.scan(await presentV2(await holderV2(), 'police')))?.verdict.tone).toBe(
      'valid',
    );
    await session.saveSettings({ ...session.settings, acceptVersion1: true });
    expect((await session.scan(text))?.verdict.tone).toBe('valid');
  });
});
