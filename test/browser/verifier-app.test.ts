/*
 * The police verifier app (verifier/web/, built to dist/web/verifier) in Debian's Chromium,
 * against the real issuer service on loopback (SQLite). Every QR reaches the page through
 * Chromium's fake camera playing a Y4M made here from the rendered code (or as an image file
 * picked from disk); every case asserts the exact verdict shown, its colour and code, and saves
 * a screenshot at the phone viewport.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatClasses } from '../../shared/licence/format-classes.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoPortrait } from '../../issuer/demo/demo-portrait.js';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { setRegistryPhoto } from '../../issuer/portraits/set-registry-photo.js';
import { chinaDate } from '../../shared/china-time.js';
import { createPresentation } from '../../shared/create-presentation.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import type { Purpose } from '../../shared/sd/groups.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';
import { GROUP_WORDS, PURPOSE_WORDS } from '../../shared/sd/words.js';
import { renderQrPng } from '../../shared/node/qr-png.js';
import {
  NOT_SHOWN,
  REASONS,
  VALID,
  VALID_WITH_WARNINGS,
} from '../../verifier/internal/messages.js';
import { APP_NOTICES, CHECK_NAMES, UI } from '../../verifier/web/app-messages.js';
import {
  flipByte,
  loadTestKeys,
  presentParts,
  signClaimsByHand,
} from '../helpers/presentation-kit.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { rewrite } from '../helpers/sd-kit.js';
import { asVersion1, asVersion2, bornOn } from '../helpers/version2-holder.js';
import {
  addDevice,
  issue,
  newDriver,
  newStaff,
  REFERENCE,
  syntheticLicence,
  type IssuedBody,
  type StaffClient,
  type TestDevice,
} from '../issuer/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import {
  BROWSER_AVAILABLE,
  launchBrowser,
  newPhonePage,
  partsOnTwoLines,
  PHONE_VIEWPORT,
  screenshot,
} from './browser.js';
import { encodeY4m, qrFrame } from './y4m.js';

/** What the verdict screen shows. */
interface Shown {
  readonly tone: string | null;
  readonly code: string | null;
  readonly text: string;
  readonly notices: string[];
}

let serial = 9000;

/** A driver's phone with an issued credential. */
interface Holder {
  readonly issued: IssuedBody;
  readonly device: TestDevice;
  readonly licence: LicenceRecord;
}

/** A driver's phone with a version 2 holder's copy (the service's key signed it). */
interface HolderV2 {
  readonly copy: string;
  readonly device: TestDevice;
  /** The licence the copy carries. */
  readonly licence: LicenceRecord;
}

describe.skipIf(!BROWSER_AVAILABLE)('police verifier app in Chromium', { timeout: 120_000 }, () => {
  let service: TestService;
  let admin: StaffClient;
  let work: string;
  const browsers: Browser[] = [];
  // Issued before any list is fetched: see the note in beforeAll.
  const holders = new Map<string, Holder>();
  const holdersV2 = new Map<string, HolderV2>();

  beforeAll(async () => {
    if (VERIFIER_APP_DIR === undefined)
      throw new Error('dist/web/verifier is missing: run `npm run build` first');
    service = await startService('sqlite');
    admin = await newStaff(service, 'admin');
    work = await mkdtemp(join(tmpdir(), 'lz-browser-'));
    // Every credential is issued before the first status list is signed: the service re-signs a
    // list only when a status changes (or after half its validity), so a list fetched earlier
    // does not yet cover indices handed out after it.
    const reference = REFERENCE[0];
    if (reference === undefined) throw new Error('no reference licence');
    holders.set('valid', await holder(reference));
    for (const name of ['suspended', 'expired', 'tampered', 'picked'])
      holders.set(name, await holder());
    // A licence with a registry photo: its credential carries the portrait's hash (ph).
    const licence = syntheticLicence(serial++);
    const driver = await newDriver(service, licence);
    await setRegistryPhoto(service.deps, {
      licenceNumber: licence.licenceNumber,
      bytes: await demoPortrait(7),
      actor: 'test',
    });
    const device = await addDevice(driver);
    holders.set('portrait', { issued: await issue(driver, device), device, licence });
    holders.set('v1-off', await holder());
    holdersV2.set('police', await holderV2());
    holdersV2.set('rental', await holderV2({ portrait: 8 }));
    holdersV2.set('age', await holderV2());
    const year = Number(chinaDate(new Date()).slice(0, 4));
    holdersV2.set(
      'under-18',
      await holderV2({ carried: (l) => bornOn(l, `${year - 17}-01-01`, `${year - 1}-01-01`) }),
    );
    holdersV2.set('custom', await holderV2({ portrait: 9 }));
    holdersV2.set('age-expired', await holderV2());
  }, 90_000);

  // Each browser's camera keeps decoding: close them as soon as their case is over.
  afterEach(async () => {
    await Promise.all(browsers.splice(0).map((b) => b.close()));
  });

  afterAll(async () => {
    await service.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A driver with a licence, a device and an issued credential. */
  async function holder(licence: LicenceRecord = syntheticLicence(serial++)): Promise<Holder> {
    const driver = await newDriver(service, licence);
    const device = await addDevice(driver);
    return { issued: await issue(driver, device), device, licence };
  }

  /**
   * A driver (with a registry photo when `portrait` is given) and a version 2 copy of the
   * credential the service issued; `carried` changes the licence in the copy.
   */
  async function holderV2(
    options: { portrait?: number; carried?: (l: LicenceRecord) => LicenceRecord } = {},
  ): Promise<HolderV2> {
    const registered = syntheticLicence(serial++);
    const driver = await newDriver(service, registered);
    if (options.portrait !== undefined)
      await setRegistryPhoto(service.deps, {
        licenceNumber: registered.licenceNumber,
        bytes: await demoPortrait(options.portrait),
        actor: 'test',
      });
    const device = await addDevice(driver);
    const issued = await issue(driver, device);
    const licence = options.carried?.(registered) ?? registered;
    return { copy: await asVersion2(service.deps, issued.holderCopy, licence), device, licence };
  }

  /** A fresh version 2 code of the holder `name` for `purpose` (custom: of `groups`). */
  async function codeV2(name: string, purpose: Purpose, groups?: number[]) {
    const found = holdersV2.get(name);
    if (found === undefined) throw new Error(`no holder ${name}`);
    const text = await createPresentationV2(found.copy, found.device.signer, {
      now: new Date(),
      purpose,
      ...(groups === undefined ? {} : { groups }),
    });
    return { text, licence: found.licence };
  }

  /** The card's fields: shown ones with their text, withheld ones as null. */
  function cardFields(page: Page): Promise<Record<string, string | null>> {
    return page
      .locator('.card dd')
      .evaluateAll((els) =>
        Object.fromEntries(
          els.map((e) => [
            e.getAttribute('data-field') ?? '',
            e.getAttribute('data-withheld') === 'true' ? null : e.textContent,
          ]),
        ),
      );
  }

  /** The check lines as `id:status`, the not-shown ones marked. */
  function checkLines(page: Page): Promise<string[]> {
    return page
      .locator('.check')
      .evaluateAll((els) =>
        els.map(
          (e) =>
            `${e.getAttribute('data-id')}:${e.getAttribute('data-status')}${e.hasAttribute('data-reason') ? `:${e.getAttribute('data-reason')}` : ''}`,
        ),
      );
  }

  /** The verdict view scrolled to `selector`, then a screenshot. */
  async function screenshotAt(page: Page, selector: string, name: string): Promise<void> {
    await page.locator(selector).evaluate((e) => {
      e.scrollIntoView({ block: 'start' });
    });
    await screenshot(page, name);
  }

  function held(name: string): Holder {
    const found = holders.get(name);
    if (found === undefined) throw new Error(`no holder ${name}`);
    return found;
  }

  /** A Y4M of `text` for the fake camera (a few identical frames; Chromium loops them). */
  async function cameraFile(name: string, texts: readonly string[], fps = 5): Promise<string> {
    const path = join(work, `${name}.y4m`);
    const frames = await Promise.all(texts.map((t) => qrFrame(t)));
    await writeFile(path, encodeY4m(frames, fps));
    return path;
  }

  /** Chromium with `camera` as its camera, the app open at its phone size, ready. */
  async function openApp(
    camera: string | undefined,
    options: { clock?: number; withoutWebCodecs?: boolean } = {},
  ): Promise<Page> {
    const browser = await launchBrowser(camera === undefined ? {} : { fakeCamera: camera });
    browsers.push(browser);
    const { page } = await newPhonePage(browser, { origin: service.url });
    if (options.clock !== undefined) await page.clock.install({ time: options.clock });
    // A browser without WebCodecs (an older Safari): no VideoFrame.
    if (options.withoutWebCodecs === true)
      await page.addInitScript(() => {
        delete (window as { VideoFrame?: unknown }).VideoFrame;
      });
    await page.goto('/verifier/');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return page;
  }

  /** Waits for verdict number `n` (1 for the first) and reads it. */
  async function verdict(page: Page, n: number): Promise<Shown> {
    await page.waitForFunction((k) => Number(document.body.dataset.verdicts ?? '0') >= k, n, {
      timeout: 20_000,
    });
    return page.evaluate(() => {
      const banner = document.getElementById('verdict');
      return {
        tone: banner?.getAttribute('data-tone') ?? null,
        code: banner?.getAttribute('data-code') ?? null,
        text: document.getElementById('verdict-text')?.textContent ?? '',
        notices: [...document.querySelectorAll('.verdict-notices li')].map(
          (li) => li.getAttribute('data-code') ?? '',
        ),
      };
    });
  }

  it('when a fresh presentation of the reference licence is in front of the camera, then 有效 in green, the card, the check list, one verdict only, and a masked history entry', async () => {
    const { issued, device, licence: reference } = held('valid');
    const text = await createPresentationV2(issued.holderCopy, device.signer, { now: new Date() });
    const page = await openApp(await cameraFile('valid', [text]));

    expect(await verdict(page, 1)).toEqual({
      tone: 'valid',
      code: null,
      text: VALID.zh,
      notices: [],
    });
    expect(await page.locator('[data-field="licenceNumber"]').textContent()).toBe(
      reference.licenceNumber,
    );
    expect(await page.locator('[data-field="name"]').textContent()).toBe(reference.name);
    expect(await page.locator('[data-field="validity"]').textContent()).toBe(
      `${reference.validFrom} 至 ${reference.validTo}`,
    );
    const checks = await page
      .locator('.check')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-id')}:${e.getAttribute('data-status')}`),
      );
    expect(checks).toEqual([
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
      'licence_status:PASSED',
      'licence_validity:PASSED',
    ]);
    // No portrait in this credential, so none to fetch.
    expect(await page.locator('#portrait').getAttribute('data-state')).toBe('unavailable');
    expect(await page.locator('#portrait').textContent()).toBe('照片不可用（凭证不含照片）');
    await screenshot(page, 'verifier-valid');

    // The same code keeps coming from the camera: still one verdict.
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => document.body.dataset.verdicts)).toBe('1');

    // The English toggle, remembered across a reload.
    await page.click('#language');
    expect(await page.locator('#verdict-text').textContent()).toBe(VALID.en);
    await page.click('#open-history');
    const entry = page.locator('#history-list li');
    await expect.poll(() => entry.count()).toBe(1);
    expect(await entry.first().getAttribute('data-tone')).toBe('valid');
    expect(await entry.first().locator('.number').textContent()).toBe(
      `${reference.licenceNumber.slice(0, 6)}********${reference.licenceNumber.slice(-4)}`,
    );
    await screenshot(page, 'verifier-history-en');
    await page.click('#history-clear');
    await page.click('#history-clear');
    await page.waitForSelector('#history-empty');
    expect(await page.locator('#history-empty').textContent()).toBe('No checks yet');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#title').textContent()).toBe('Licence Check');
  });

  it('when the camera plays a code, then its pixels are read from the frame itself (WebCodecs), and in a browser without WebCodecs from the frame drawn on a canvas; both read 有效', async () => {
    const { issued, device } = held('valid');
    const text = await createPresentationV2(issued.holderCopy, device.signer, { now: new Date() });
    const camera = await cameraFile('capture', [text]);
    const capture = (page: Page) =>
      page.evaluate(() =>
        performance
          .getEntriesByName('lz:scan', 'measure')
          .map((e) => ((e as PerformanceMeasure).detail as { capture: string }).capture),
      );
    for (const [withoutWebCodecs, taken] of [
      [false, 'frame'],
      [true, 'canvas'],
    ] as const) {
      const page = await openApp(camera, { withoutWebCodecs });
      expect(await verdict(page, 1)).toMatchObject({ tone: 'valid', code: null });
      expect(await capture(page)).toEqual([taken]);
    }
  });

  it('when the officer has scrolled down a verdict and the next code comes, then its verdict is shown from the top', async () => {
    const { issued, device } = held('valid');
    const texts = await Promise.all(
      ['s1', 's2'].map((nonce) =>
        createPresentationV2(issued.holderCopy, device.signer, { now: new Date(), nonce }),
      ),
    );
    // One code a second, in turn: every frame is a new code, so a new verdict.
    const page = await openApp(await cameraFile('scroll', texts, 1));
    await verdict(page, 1);
    const scrolled = await page.evaluate(() => {
      const section = document.getElementById('verdict-view') as HTMLElement;
      section.scrollTop = 10_000;
      return { top: section.scrollTop, verdicts: Number(document.body.dataset.verdicts) };
    });
    expect(scrolled.top).toBeGreaterThan(0);
    await verdict(page, scrolled.verdicts + 1);
    expect(await page.evaluate(() => document.getElementById('verdict-view')?.scrollTop)).toBe(0);
  });

  it('when a new code comes in every camera frame, then no frame is taken before the last verdict is on screen', async () => {
    const { issued, device } = held('valid');
    // Thirty codes a second, each frame its own: whichever frame is taken is a new code.
    const texts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        createPresentationV2(issued.holderCopy, device.signer, { now: new Date(), nonce: `f${i}` }),
      ),
    );
    const page = await openApp(await cameraFile('frames', texts, 30));
    await verdict(page, 6);
    const scans = await page.evaluate(() =>
      performance.getEntriesByName('lz:scan', 'measure').map((e) => ({
        takenAt:
          e.startTime +
          ((e as PerformanceMeasure).detail as { stages: { wait: number } }).stages.wait,
        paintedAt: e.startTime + e.duration,
      })),
    );
    const early = scans.filter((s, i) => i > 0 && s.takenAt < (scans[i - 1]?.paintedAt ?? 0));
    expect([scans.length >= 6, early]).toEqual([true, []]);
  });

  it('when the credential has a portrait, then without a device token it is unavailable, and with the token an admin issued it is fetched and shown (its hash is the credential’s ph)', async () => {
    const { issued, device } = held('portrait');
    const text = await createPresentationV2(issued.holderCopy, device.signer, { now: new Date() });
    const page = await openApp(await cameraFile('portrait', [text]));
    expect((await verdict(page, 1)).tone).toBe('valid');
    const portrait = page.locator('#portrait');
    await expect.poll(() => portrait.getAttribute('data-state')).toBe('unavailable');
    expect(await portrait.textContent()).toBe(UI.portraitNoToken.zh);

    // The service's clock stands where it started; the issuer checks the code it is sent at that
    // clock, so it is brought to the real time the code was made at (else, once the cases before
    // have taken more than the 10 s tolerance, ERR_PROOF_NOT_YET_VALID).
    service.advance(Math.floor(Date.now() / 1000) - service.now());
    const registered = await admin.post<{ token: string }>('/api/admin/verifier-devices', {
      name: 'roadside handheld 1',
    });
    expect(registered.status).toBe(201);
    await page.click('#open-settings');
    await page.fill('#setting-token', registered.body.token);
    await page.click('#settings-save');
    await page.waitForSelector('#settings-message:text("已保存")');
    await page.click('#settings-back');
    await page.click('#scan-next');
    expect((await verdict(page, 2)).tone).toBe('valid');
    await expect.poll(() => portrait.getAttribute('data-state'), { timeout: 10_000 }).toBe('shown');
    const size = await page
      .locator('#portrait img')
      .evaluate((img: HTMLImageElement) =>
        img.decode().then(() => [img.naturalWidth, img.naturalHeight]),
      );
    expect(size).toEqual([480, 600]);
    await screenshot(page, 'verifier-portrait');
  });

  it('when the licence is suspended after a valid scan, then after the list update the code in view reads 驾驶证已暂扣 in red', async () => {
    const { issued, device, licence } = held('suspended');
    const text = await createPresentationV2(issued.holderCopy, device.signer, { now: new Date() });
    const page = await openApp(await cameraFile('suspended', [text]));
    expect((await verdict(page, 1)).tone).toBe('valid');

    const suspended = await admin.post(
      `/api/registry/licences/${licence.licenceNumber}/suspend`,
      {},
    );
    expect(suspended.status).toBe(200);
    await page.click('#refresh');
    expect(await verdict(page, 2)).toEqual({
      tone: 'invalid',
      code: 'ERR_SUSPENDED',
      text: REASONS.ERR_SUSPENDED.zh,
      notices: [],
    });
    expect(await page.locator('.check[data-id="status_list"]').getAttribute('data-status')).toBe(
      'FAILED',
    );
    await screenshot(page, 'verifier-suspended');
  });

  it('when the code stays in view past its window, offline (the page clock moves on), then 出示码已过期 in red', async () => {
    const { issued, device } = held('expired');
    const made = Date.now();
    const text = await createPresentationV2(issued.holderCopy, device.signer, {
      now: new Date(made),
    });
    const page = await openApp(await cameraFile('expired', [text]), { clock: made });
    expect((await verdict(page, 1)).tone).toBe('valid');
    // Offline, so that the issuer's clock (which the page cannot move) is not asked again: the
    // time since is the device's own, monotonic.
    await page.context().setOffline(true);
    await page.clock.fastForward(90_000);
    await page.click('#scan-next');
    expect(await verdict(page, 2)).toEqual({
      tone: 'invalid',
      code: 'ERR_PROOF_EXPIRED',
      text: REASONS.ERR_PROOF_EXPIRED.zh,
      notices: [],
    });
    await screenshot(page, 'verifier-expired');
  });

  it('when the device clock is set back a day to replay yesterday’s code, then the trusted time still says 出示码已过期, with the clock flagged', async () => {
    const day = 86_400_000;
    // A service whose clock stood two days back issued the credential; the code was made a day
    // ago; the officer's device clock has been put back to that moment.
    const past = await startService('sqlite', { now: Math.floor((Date.now() - 2 * day) / 1000) });
    try {
      const driver = await newDriver(past, syntheticLicence(serial++));
      const device = await addDevice(driver);
      const issued = await issue(driver, device);
      const yesterday = Date.now() - day;
      const text = await createPresentationV2(issued.holderCopy, device.signer, {
        now: new Date(yesterday),
      });
      const browser = await launchBrowser({ fakeCamera: await cameraFile('replay', [text]) });
      browsers.push(browser);
      const { page } = await newPhonePage(browser, { origin: past.url });
      await page.clock.install({ time: yesterday });
      await page.goto('/verifier/');
      const shown = await verdict(page, 1);
      expect(shown.tone).toBe('invalid');
      expect(shown.code).toBe('ERR_PROOF_EXPIRED');
      expect(shown.text).toBe(REASONS.ERR_PROOF_EXPIRED.zh);
      expect(shown.notices).toContain('WARN_DEVICE_CLOCK_BEHIND');
      expect(
        await page.locator('.verdict-notices [data-code="WARN_DEVICE_CLOCK_BEHIND"]').textContent(),
      ).toBe(APP_NOTICES.WARN_DEVICE_CLOCK_BEHIND.zh);
      await screenshot(page, 'verifier-clock-set-back');
    } finally {
      await past.close();
    }
  });

  it('when a byte of the credential is changed, then 签名无效 in red', async () => {
    const { issued, device } = held('tampered');
    const text = await createPresentationV2(issued.holderCopy, device.signer, { now: new Date() });
    const tampered = rewrite(text, nodeBackend, (e) => ({
      ...e,
      credentialPayload: flipByte(e.credentialPayload, 20),
    }));
    const page = await openApp(await cameraFile('tampered', [tampered]));
    expect(await verdict(page, 1)).toEqual({
      tone: 'invalid',
      code: 'ERR_BAD_SIGNATURE',
      text: REASONS.ERR_BAD_SIGNATURE.zh,
      notices: [],
    });
    expect(await page.locator('.card').count()).toBe(0);
    await screenshot(page, 'verifier-tampered');
  });

  it('when the credential is signed by a key this issuer does not publish, then 签发机关未知 in red', async () => {
    const keys = loadTestKeys();
    const now = Math.floor(Date.now() / 1000);
    const credential = await signClaimsByHand(
      {
        iss: 'https://issuer.test',
        jti: 'unknown-issuer-1',
        iat: now,
        nbf: now,
        exp: now + 86_400,
        holderKey: (keys.holder as unknown as { publicJwk: { x: string } }).publicJwk.x,
        status: { idx: 0, uri: 'https://issuer.test/status/1' },
        licence: syntheticLicence(serial++),
      },
      keys.otherIssuer,
    );
    const [h = '', p = '', s = ''] = credential.split('.');
    const parts = {
      credentialHeader: Buffer.from(h, 'base64url'),
      credentialPayload: Buffer.from(p, 'base64url'),
      credentialSignature: Buffer.from(s, 'base64url'),
    };
    const text = await presentParts(parts, keys.holder, now);
    const page = await openApp(await cameraFile('unknown-issuer', [text]));
    expect(await verdict(page, 1)).toEqual({
      tone: 'invalid',
      code: 'ERR_UNKNOWN_ISSUER',
      text: REASONS.ERR_UNKNOWN_ISSUER.zh,
      notices: [],
    });
    await screenshot(page, 'verifier-unknown-issuer');
  });

  it('when an image of a fresh code is picked from disk, then 有效', async () => {
    const { issued, device } = held('picked');
    const text = await createPresentationV2(issued.holderCopy, device.signer, { now: new Date() });
    const png = join(work, 'picked.png');
    await writeFile(png, await renderQrPng(text, 4));
    const page = await openApp(undefined);
    await page.setInputFiles('#pick-image', png);
    expect(await verdict(page, 1)).toEqual({
      tone: 'valid',
      code: null,
      text: VALID.zh,
      notices: [],
    });
    await screenshot(page, 'verifier-picked-image');
  });

  it('when a photo without a code is picked, then the app says no code was found in it', async () => {
    const jpeg = join(work, 'no-code.jpg');
    await writeFile(jpeg, await demoPortrait(0));
    const page = await openApp(undefined);
    await page.setInputFiles('#pick-image', jpeg);
    await expect.poll(() => page.textContent('#scan-status')).toBe(UI.noCodeInImage.zh);
  });

  it('when the issuer is unreachable and the kept lists are older than the setting, then the app still opens offline and the verdict is amber, never green, even with the clock then put back', async () => {
    // A service of its own, to be stopped.
    const own = await startService('sqlite');
    try {
      const driver = await newDriver(own, syntheticLicence(serial++));
      const device = await addDevice(driver);
      const issued = await issue(driver, device);
      const browser = await launchBrowser();
      browsers.push(browser);
      const { page } = await newPhonePage(browser, { origin: own.url });
      await page.goto('/verifier/');
      await page.waitForSelector('body[data-ready="true"]');
      // The officer sets 1 hour; a first scan (picked) fetches this credential's list.
      await page.click('#open-settings');
      await page.fill('#setting-max-age', '1');
      await page.click('#settings-save');
      await page.waitForSelector('#settings-message:text("已保存")');
      await page.click('#settings-back');
      const first = join(work, 'offline-first.png');
      await writeFile(
        first,
        await renderQrPng(
          await createPresentationV2(issued.holderCopy, device.signer, { now: new Date() }),
          4,
        ),
      );
      await page.setInputFiles('#pick-image', first);
      expect((await verdict(page, 1)).tone).toBe('valid');
      // The service worker holds the shell by now.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
        timeout: 10_000,
      });

      await own.running.stop();
      const later = Date.now() + 2 * 3600_000;
      await page.clock.install({ time: later });
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      const second = join(work, 'offline-second.png');
      await writeFile(
        second,
        await renderQrPng(
          await createPresentationV2(issued.holderCopy, device.signer, { now: new Date(later) }),
          4,
        ),
      );
      await page.setInputFiles('#pick-image', second);
      const shown = await verdict(page, 1);
      expect(shown).toEqual({
        tone: 'warning',
        code: 'WARN_STATUS_STALE',
        text: VALID_WITH_WARNINGS.zh,
        notices: ['WARN_STATUS_STALE', 'WARN_KEYS_STALE'],
      });
      expect(await page.locator('.verdict-notices li').first().textContent()).toBe(
        REASONS.WARN_STATUS_STALE.zh,
      );
      // The strip says so too: the issuer does not answer, the data is hours old.
      const strip = page.locator('.strip');
      expect(await strip.getAttribute('class')).toBe('strip stale');
      expect(await strip.getAttribute('data-link')).toBe('unreachable');
      expect(await page.locator('#data-status').textContent()).toBe(
        '无法连接 · 密钥 2 小时前 · 列表 2 小时前',
      );
      await screenshot(page, 'verifier-offline-stale');
      // In English too, at every phone width: the strip takes a second line rather than cut off
      // the lists' age, and the answer starts below it.
      await page.click('#language');
      expect(await page.locator('#data-status').textContent()).toBe(
        'No connection · Keys 2 h ago · Lists 2 h ago',
      );
      for (const width of [390, 360, 320]) {
        await page.setViewportSize({ width, height: 740 });
        const fit = await page.evaluate(() => {
          const status = document.getElementById('data-status') as HTMLElement;
          const strip = (status.parentElement as HTMLElement).getBoundingClientRect();
          const view = (
            document.getElementById('verdict-view') as HTMLElement
          ).getBoundingClientRect();
          return {
            cut:
              status.scrollWidth > status.clientWidth || status.scrollHeight > status.clientHeight,
            answerBelowStrip: Math.round(view.top) >= Math.round(strip.bottom),
          };
        });
        expect(fit, `${width} px`).toEqual({ cut: false, answerBelowStrip: true });
        expect(
          await partsOnTwoLines(page, '#data-status', /(Keys|Lists) \d+ h ago/),
          `${width} px`,
        ).toEqual([]);
      }
      await screenshot(page, 'verifier-offline-stale-320-en');
      await page.setViewportSize(PHONE_VIEWPORT);
      await page.click('#language');

      // The device clock put back to half an hour after the last update (above it, so the issuer's
      // time alone would not tell): the app remembers the time it has reached, so the data is
      // still 2 hours old and the clock is flagged, never green on a 30-minute age.
      await page.clock.setSystemTime(later - 90 * 60_000);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      const third = join(work, 'offline-third.png');
      await writeFile(
        third,
        await renderQrPng(
          await createPresentationV2(issued.holderCopy, device.signer, { now: new Date(later) }),
          4,
        ),
      );
      await page.setInputFiles('#pick-image', third);
      expect(await verdict(page, 1)).toEqual({
        tone: 'warning',
        code: 'WARN_STATUS_STALE',
        text: VALID_WITH_WARNINGS.zh,
        notices: ['WARN_STATUS_STALE', 'WARN_KEYS_STALE', 'WARN_DEVICE_CLOCK_BEHIND'],
      });
      expect(await page.locator('#data-status').textContent()).toBe(
        '无法连接 · 密钥 2 小时前 · 列表 2 小时前',
      );
    } finally {
      await own.close();
    }
  });

  const RUN_V2 = [
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

  it('when a version 2 police code shows everything, then 有效 in green, 用途：交警执法 without the partial note, every field of the card', async () => {
    const { text, licence } = await codeV2('police', 'police');
    const page = await openApp(await cameraFile('v2-police', [text]));
    expect(await verdict(page, 1)).toEqual({
      tone: 'valid',
      code: null,
      text: VALID.zh,
      notices: [],
    });
    expect(await page.locator('#verdict-purpose').textContent()).toBe(
      `用途：${PURPOSE_WORDS.police.zh}`,
    );
    expect(await page.locator('#verdict-partial').count()).toBe(0);
    expect(await page.locator('#age').count()).toBe(0);
    const fields = await cardFields(page);
    expect(Object.values(fields).filter((v) => v === null)).toEqual([]);
    expect([fields.licenceNumber, fields.name, fields.birthDate]).toEqual([
      licence.licenceNumber,
      licence.name,
      licence.birthDate,
    ]);
    expect(await checkLines(page)).toEqual([
      ...RUN_V2,
      'licence_status:PASSED',
      'licence_validity:PASSED',
    ]);
    await screenshot(page, 'verifier-v2-police');
  });

  it('when a rental code is scanned, then green with 用途：租车 and the partial note, 未出示 for the number, address, birth date and file number, the name, classes and validity shown, the portrait asked for; in English too; the history keeps the purpose and no number', async () => {
    const { text, licence } = await codeV2('rental', 'rental');
    const page = await openApp(await cameraFile('v2-rental', [text]));
    expect(await verdict(page, 1)).toEqual({
      tone: 'valid',
      code: null,
      text: VALID.zh,
      notices: [],
    });
    expect(await page.locator('#verdict-purpose').textContent()).toBe('用途：租车');
    expect(await page.locator('#verdict-partial .partial-note').textContent()).toBe(
      '所示信息为持证人选择出示的部分',
    );
    expect(await page.locator('#verdict-partial .partial-groups').textContent()).toBe(
      `已出示：${GROUP_WORDS.holder.zh}；${GROUP_WORDS.driving.zh}`,
    );
    const fields = await cardFields(page);
    expect(fields).toMatchObject({
      licenceNumber: null,
      sex: null,
      nationality: null,
      address: null,
      birthDate: null,
      firstIssueDate: null,
      issuingAuthority: null,
      fileNumber: null,
      name: licence.name,
      classes: formatClasses(licence.classes),
      validity: `${licence.validFrom} 至 长期`,
    });
    expect(await page.locator('[data-field="address"]').textContent()).toBe(UI.notShown.zh);
    expect(await checkLines(page)).toEqual([
      ...RUN_V2,
      'licence_status:PASSED',
      'licence_validity:PASSED',
    ]);
    // The holder was shown, with a portrait hash: the portrait is asked for (no token here).
    const portrait = page.locator('#portrait');
    await expect.poll(() => portrait.getAttribute('data-state')).toBe('unavailable');
    expect(await portrait.textContent()).toBe(UI.portraitNoToken.zh);
    await screenshot(page, 'verifier-v2-rental');
    await page.setViewportSize({ width: 360, height: 740 });
    await screenshot(page, 'verifier-v2-rental-360');
    await screenshotAt(page, '.card', 'verifier-v2-rental-360-card');

    await page.click('#language');
    expect(await page.locator('#verdict-purpose').textContent()).toBe('Purpose: Car rental');
    expect(await page.locator('#verdict-partial .partial-note').textContent()).toBe(
      UI.partialNote.en,
    );
    expect(await page.locator('[data-field="fileNumber"]').textContent()).toBe('Not shown');
    await screenshotAt(page, '#verdict', 'verifier-v2-rental-360-en');
    await page.click('#open-history');
    const entry = page.locator('#history-list li');
    await expect.poll(() => entry.count()).toBe(1);
    expect(await entry.first().locator('span').nth(1).textContent()).toMatch(
      / · Valid · Car rental$/,
    );
    expect(await entry.first().locator('.number').textContent()).toBe(UI.historyNotShown.en);
    await screenshot(page, 'verifier-v2-history-en');
  });

  it('when an age code is scanned, then green with 已满18周岁 in large type and no card; the two licence checks each say they were not run as the driving data was not shown', async () => {
    const { text } = await codeV2('age', 'age');
    const page = await openApp(await cameraFile('v2-age', [text]));
    expect(await verdict(page, 1)).toEqual({
      tone: 'valid',
      code: null,
      text: VALID.zh,
      notices: [],
    });
    expect(await page.locator('#verdict-purpose').textContent()).toBe('用途：年龄核验');
    expect(await page.locator('#verdict-partial .partial-note').textContent()).toBe(
      UI.partialNote.zh,
    );
    const age = page.locator('#age .age-result');
    expect(
      await age.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-age'), e.getAttribute('data-over'), e.textContent]),
      ),
    ).toEqual([['18', 'true', '已满18周岁']]);
    expect(await page.locator('.card').count()).toBe(0);
    expect(await checkLines(page)).toEqual([
      ...RUN_V2,
      'licence_status:SKIPPED:not-shown',
      'licence_validity:SKIPPED:not-shown',
    ]);
    expect(await page.locator('.check[data-id="licence_status"] span').nth(1).textContent()).toBe(
      `${CHECK_NAMES.licence_status.zh}：${NOT_SHOWN.zh}`,
    );
    expect(await page.locator('.check[data-id="licence_validity"] span').nth(1).textContent()).toBe(
      `${CHECK_NAMES.licence_validity.zh}：${NOT_SHOWN.zh}`,
    );
    await screenshot(page, 'verifier-v2-age');
    await page.setViewportSize({ width: 360, height: 740 });
    await screenshotAt(page, '.checks', 'verifier-v2-age-360-checks');
  });

  it('when an age code says the holder is under 18, then still 有效 in green, and 未满18周岁 in large type', async () => {
    const { text } = await codeV2('under-18', 'age');
    const page = await openApp(await cameraFile('v2-under-18', [text]));
    expect(await verdict(page, 1)).toEqual({
      tone: 'valid',
      code: null,
      text: VALID.zh,
      notices: [],
    });
    const age = page.locator('#age .age-result');
    expect(await age.getAttribute('data-over')).toBe('false');
    expect(await age.textContent()).toBe('未满18周岁');
    await screenshot(page, 'verifier-v2-under-18');
    await page.click('#language');
    expect(await age.textContent()).toBe('Under 18');
  });

  it('when an age code stays in view past its window, then 出示码已过期 in red, the purpose still said, and the age flag shown muted, not as a result', async () => {
    const found = holdersV2.get('age-expired');
    if (found === undefined) throw new Error('no holder age-expired');
    const made = Date.now();
    const text = await createPresentationV2(found.copy, found.device.signer, {
      now: new Date(made),
      purpose: 'age',
    });
    const page = await openApp(await cameraFile('v2-age-expired', [text]), { clock: made });
    expect((await verdict(page, 1)).tone).toBe('valid');
    expect(await page.locator('#age').getAttribute('data-tone')).toBe('valid');
    expect(await page.locator('#age .age-void').count()).toBe(0);
    await page.context().setOffline(true);
    await page.clock.fastForward(90_000);
    await page.click('#scan-next');
    expect(await verdict(page, 2)).toEqual({
      tone: 'invalid',
      code: 'ERR_PROOF_EXPIRED',
      text: REASONS.ERR_PROOF_EXPIRED.zh,
      notices: [],
    });
    expect(await page.locator('#verdict-purpose').textContent()).toBe('用途：年龄核验');
    expect(await page.locator('#age').getAttribute('data-tone')).toBe('invalid');
    const color = await page.locator('#age .age-result').evaluate((e) => getComputedStyle(e).color);
    expect(color).toBe('rgb(85, 85, 85)');
    expect(await page.locator('#age .age-void').textContent()).toBe(UI.ageVoid.zh);
    await screenshot(page, 'verifier-v2-age-expired');
  });

  it('when a custom code withholds the holder, then the portrait box says 照片未出示 and, even with a device token set, the portrait is never asked for', async () => {
    const { text, licence } = await codeV2('custom', 'custom', [1, 2]);
    const page = await openApp(await cameraFile('v2-custom', [text]));
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/verifier/portrait')) asked.push(request.url());
    });
    expect((await verdict(page, 1)).tone).toBe('valid');
    const registered = await admin.post<{ token: string }>('/api/admin/verifier-devices', {
      name: 'roadside handheld 2',
    });
    expect(registered.status).toBe(201);
    await page.click('#open-settings');
    await page.fill('#setting-token', registered.body.token);
    await page.click('#settings-save');
    await page.waitForSelector('#settings-message:text("已保存")');
    await page.click('#settings-back');
    // Saved settings: the code still in view gets a new verdict.
    expect((await verdict(page, 2)).tone).toBe('valid');
    const portrait = page.locator('#portrait');
    expect(await portrait.getAttribute('data-state')).toBe('withheld');
    expect(await portrait.textContent()).toBe('照片未出示');
    const fields = await cardFields(page);
    expect(fields).toMatchObject({
      name: null,
      licenceNumber: licence.licenceNumber,
      classes: formatClasses(licence.classes),
      fileNumber: null,
    });
    expect(await page.locator('#verdict-purpose').textContent()).toBe('用途：自定义');
    await page.waitForTimeout(500);
    expect(asked).toEqual([]);
    await screenshot(page, 'verifier-v2-custom');
  });

  it('when the officer turns version 1 off in the settings, then a version 1 code gets the retired verdict in red, in words', async () => {
    const { issued, device, licence } = held('v1-off');
    const text = await createPresentation(
      await asVersion1(service.deps, issued.holderCopy, licence),
      device.signer,
      { now: new Date() },
    );
    const page = await openApp(await cameraFile('v1-off', [text]));
    expect((await verdict(page, 1)).tone).toBe('valid');
    await page.click('#open-settings');
    const box = page.locator('#setting-accept-v1');
    expect(await box.isChecked()).toBe(true);
    expect(await page.locator('label.toggle').textContent()).toBe(UI.acceptVersion1.zh);
    await box.uncheck();
    await screenshot(page, 'verifier-settings-v1-off');
    await page.click('#settings-save');
    await page.waitForSelector('#settings-message:text("已保存")');
    await page.click('#settings-back');
    // Saved settings: the code still in view gets a new verdict.
    const shown = await verdict(page, 2);
    expect(shown).toEqual({
      tone: 'invalid',
      code: 'ERR_VERSION_RETIRED',
      text: REASONS.ERR_VERSION_RETIRED.zh,
      notices: [],
    });
    expect(await page.locator('.card').count()).toBe(0);
    expect(await page.locator('#verdict-purpose').count()).toBe(0);
    await screenshot(page, 'verifier-v1-retired');
  });
});
