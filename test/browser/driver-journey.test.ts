/*
 * The whole journey in a real browser: a driver signs up in the driver's app (/app/), applies on
 * the stored-photo path and sees the licence and its QR; the QR, captured from the page, is
 * played to the police verifier app (/verifier/) through Chromium's fake camera: valid; a minute
 * later: expired; offline, the app still shows a fresh code that verifies; suspended by an
 * admin, the code turns red and the verifier says so. Then the album path through the reviewers'
 * console (/console/): a rejection reaching the driver with its reason, a resubmission approved,
 * the notice in the inbox. Screenshots at phone size in artifacts/screenshots/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatClasses } from '../../shared/licence/format-classes.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { UI as VERIFIER_UI } from '../../verifier/web/app-messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../issuer/accounts/password.js';
import {
  insertIssuedApplication,
  insertLicence,
  newStaff,
  syntheticLicence,
  type StaffClient,
} from '../issuer/fixtures.js';
import { lastCode } from '../issuer/enrol.js';
import { startService, type TestService } from '../issuer/harness.js';
import { portraitJpeg } from '../issuer/photos.js';
import {
  BROWSER_AVAILABLE,
  launchBrowser,
  linesOf,
  newPhonePage,
  partsOnTwoLines,
  screenshot,
} from './browser.js';
import { driverOnLicencePage, keptValue } from './driver-phone.js';
import { decodePng, encodeY4m, type RgbaImage } from './y4m.js';
import { inflateClaims } from '../../shared/sd/credential-v2.js';
import { decodePresentationV2 } from '../../shared/sd/presentation-v2.js';
import { GROUP_WORDS } from '../../shared/sd/words.js';
import { loadTestKeys, signClaimsByHand } from '../helpers/presentation-kit.js';

const PASSWORD = 'correct-horse-battery';

let phoneSerial = 0;

/** A code as a Chinese input method in full-width mode types it, grouped: １２３ ４５６. */
function fullWidthGrouped(code: string): string {
  const wide = code.replace(/\d/g, (d) => String.fromCodePoint(0xff10 + Number(d)));
  return `${wide.slice(0, 3)} ${wide.slice(3)}`;
}

/**
 * Signs up through the app's form and binds the licence as a new driver does: the app signs in by
 * phone, asks for the SMS code (read from the development SMS adapter), then the real-person
 * check with the front camera. Ends on the screen after binding.
 */
async function signUpAndBind(
  page: Page,
  service: TestService,
  licence: { licenceNumber: string; name: string },
  shot?: string,
): Promise<string> {
  const phone = `139${String((phoneSerial += 1)).padStart(8, '0')}`;
  await page.goto('/app/');
  await page.getByRole('button', { name: '还没有账号？注册' }).click();
  // Not signed in: no inbox, no sign-out in the header.
  expect([await page.isVisible('#open-inbox'), await page.isVisible('#sign-out')]).toEqual([
    false,
    false,
  ]);
  await page.fill('#sign-up #licenceNumber', licence.licenceNumber);
  await page.fill('#sign-up #name', licence.name);
  await page.fill('#sign-up #phone', phone);
  await page.fill('#sign-up #password', PASSWORD);
  if (shot !== undefined) await screenshot(page, shot);
  await page.click('#sign-up button[type=submit]');
  await page.locator('#binding-code').waitFor();
  if (shot !== undefined) await screenshot(page, `${shot}-code`);
  // As a Chinese input method in full-width mode types it, grouped as the SMS shows it.
  await page.fill('#binding-code #code', fullWidthGrouped(lastCode(service, phone)));
  await page.click('#binding-code button[type=submit]');
  await page.locator('#start-check').waitFor();
  if (shot !== undefined) await screenshot(page, `${shot}-check`);
  await page.click('#start-check');
  await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
  await page.click('#camera-take');
  return phone;
}

/** The numbers, dates and "long-term" on the licence card that a line break cuts in two. */
function cutValues(page: Page): Promise<string[]> {
  return partsOnTwoLines(
    page,
    '#licence-card .licence-fields',
    /\d{4}-\d\d-\d\d|\d{6,}|long-term/g,
  );
}

/** The licence card's fields on the driver's page, by licence field, as the screen shows them. */
function cardFields(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>('#licence-card dd[data-field]')].map((dd) => [
        dd.dataset.field ?? '',
        dd.textContent,
      ]),
    ),
  );
}

/**
 * Picks who is checking on the licence page (the police, by default) and waits for that code.
 */
async function showCode(page: Page, purpose = 'police'): Promise<void> {
  await page.click(`#purpose-${purpose}`);
  await page.locator('#qr[data-presentation]').waitFor({ timeout: 20_000 });
}

/** A camera frame (640×480, light grey) with `png` in its middle, as a phone held up to it. */
function frameAround(png: Buffer, width = 640, height = 480): RgbaImage {
  const picture = decodePng(png);
  if (picture.width > width || picture.height > height)
    throw new RangeError(
      `QR screenshot: expected at most ${width}×${height}, found ${picture.width}×${picture.height}`,
    );
  const data = new Uint8Array(width * height * 4).fill(235);
  const left = Math.floor((width - picture.width) / 2);
  const top = Math.floor((height - picture.height) / 2);
  for (let y = 0; y < picture.height; y++)
    data.set(
      picture.data.subarray(y * picture.width * 4, (y + 1) * picture.width * 4),
      ((top + y) * width + left) * 4,
    );
  return { width, height, data };
}

describe.skipIf(!BROWSER_AVAILABLE)('the driver journey in Chromium', () => {
  let service: TestService;
  let origin: string;
  let browser: Browser;
  let workDir: string;
  let admin: StaffClient;
  let clockSync: NodeJS.Timeout;

  beforeAll(async () => {
    // One loopback address signs in for every phone and every member of staff of the journey,
    // more than 10 times in some minutes.
    service = await startService('sqlite', { env: { SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' } });
    // The harness's clock stands still; here it follows the real one, as the browsers' do.
    clockSync = setInterval(() => {
      service.advance(Math.floor(Date.now() / 1000) - service.now());
    }, 500);
    // 127.0.0.1 is a secure context for Chromium: __Host- cookies and service workers work.
    origin = service.url;
    browser = await launchBrowser();
    workDir = await mkdtemp(join(tmpdir(), 'lz-journey-'));
    admin = await newStaff(service, 'admin');
  });
  afterAll(async () => {
    clearInterval(clockSync);
    await browser.close();
    await service.close();
    await rm(workDir, { recursive: true, force: true });
  });

  /** A licence in the registry, with a stored photo when `photo` is given. */
  async function registryLicence(serial: number, photo?: Buffer) {
    const licence = syntheticLicence(serial);
    const hash =
      photo === undefined ? null : createHash('sha256').update(photo).digest('base64url');
    await insertLicence(service.deps.db, licence, service.now(), hash);
    if (photo !== undefined && hash !== null)
      await service.deps.db.kysely
        .insertInto('portraits')
        .values({
          licence_number: licence.licenceNumber,
          photo,
          hash,
          source: 'registry',
          updated_at: service.now(),
        })
        .execute();
    return licence;
  }

  /** Signs up and binds the licence through the app's forms. */
  const signUpAndIn = (
    page: Page,
    licence: { licenceNumber: string; name: string },
    shot?: string,
  ) => signUpAndBind(page, service, licence, shot);

  /** The QR element as a PNG, once drawn, and the presentation text it encodes. */
  async function captureQr(page: Page): Promise<{ png: Buffer; text: string }> {
    const canvas = page.locator('#qr[data-presentation]');
    await canvas.waitFor();
    await page.evaluate(() => {
      window.scrollTo(0, 0);
    });
    const text = (await canvas.getAttribute('data-presentation')) ?? '';
    return { png: await canvas.screenshot(), text };
  }

  /** The colour the QR on the page is drawn in, as [r, g, b]: its first dark pixel's. */
  function qrInk(page: Page): Promise<number[]> {
    return page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#qr[data-presentation]');
      const context = canvas?.getContext('2d');
      if (canvas === null || context === null || context === undefined) return [];
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) {
        const [r = 255, g = 255, b = 255] = data.subarray(i, i + 3);
        if (r + g + b < 600) return [r, g, b];
      }
      return [];
    });
  }

  /** What the verifier's verdict screen shows. */
  interface Shown {
    readonly tone: string | null;
    readonly code: string | null;
    readonly text: string;
  }

  async function verdictOf(page: Page, n: number): Promise<Shown> {
    await page.waitForFunction((k) => Number(document.body.dataset.verdicts ?? '0') >= k, n, {
      timeout: 20_000,
    });
    return page.evaluate(() => {
      const banner = document.getElementById('verdict');
      return {
        tone: banner?.getAttribute('data-tone') ?? null,
        code: banner?.getAttribute('data-code') ?? null,
        text: document.getElementById('verdict-text')?.textContent ?? '',
      };
    });
  }

  /**
   * Shows `png` to the verifier app through the fake camera and reads the verdict, after a
   * screenshot named `shot`. With `laterMs`, the same picture is then scanned again that much
   * later on the officer's clock (offline, so that the device's own monotonic time counts, as
   * the verifier's trusted clock does), and both verdicts are returned. `inspect` reads the
   * officer's page after the first verdict.
   */
  async function verify(
    png: Buffer,
    shot: string,
    laterMs?: number,
    inspect?: (page: Page) => Promise<void>,
  ): Promise<Shown[]> {
    const y4m = join(workDir, `${shot}.y4m`);
    await writeFile(y4m, encodeY4m([frameAround(png)], 5));
    const officer = await launchBrowser({ fakeCamera: y4m });
    try {
      const { page, context } = await newPhonePage(officer, { origin });
      await page.clock.install({ time: Date.now() });
      await page.goto('/verifier/');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      const shown = [await verdictOf(page, 1)];
      if (inspect !== undefined) await inspect(page);
      if (laterMs !== undefined) {
        await context.setOffline(true);
        await page.clock.fastForward(laterMs);
        await page.click('#scan-next');
        shown.push(await verdictOf(page, 2));
      }
      await screenshot(page, shot);
      return shown;
    } finally {
      await officer.close();
    }
  }

  let driverContext: BrowserContext;
  let driver: Page;
  let stored: ReturnType<typeof syntheticLicence>;
  let firstQr: Buffer;

  it('when a driver signs up and applies with the stored photo, then the licence and a black QR show', async () => {
    stored = await registryLicence(9101, await portraitJpeg(255, { seed: 5 }));
    ({ context: driverContext, page: driver } = await newPhonePage(browser, { origin }));
    await signUpAndIn(driver, stored, 'app-01-sign-up');
    await driver.locator('#path-stored').waitFor();
    expect(await driver.locator('.paths button').allTextContents()).toEqual([
      '使用档案照片（需实人认证，立即领取）',
      '现场拍摄照片（需人工审核）',
      '从相册选择证件照（需人工审核）',
    ]);
    await screenshot(driver, 'app-02-paths');
    await driver.click('#path-stored');
    await driver.locator('#confirm-stored').waitFor();
    await screenshot(driver, 'app-03-stored-photo');
    await driver.click('#confirm-stored');
    await driver.locator('#camera-take').waitFor();
    await driver.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await screenshot(driver, 'app-04-selfie');
    await driver.click('#camera-take');

    await driver.locator('#licence-card').waitFor({ timeout: 20_000 });
    expect(await driver.textContent('#f-no')).toBe(stored.licenceNumber);
    expect(await driver.textContent('#f-name')).toBe(stored.name);
    expect(await driver.textContent('#f-authority')).toBe(stored.issuingAuthority);
    expect(await driver.textContent('#qr-status')).toBe('驾驶证状态：正常');
    expect(await driver.getAttribute('#qr-box', 'class')).toBe('qr-box');
    // Who is checking, before any code: the police first, then 扫码出示 (a verifier's request),
    // then the others, each enabled (the phone keeps a holder's copy).
    await driver.locator('#purpose-picker').waitFor();
    expect(await driver.locator('#qr').count()).toBe(0);
    expect(
      await driver.locator('#purpose-picker .purpose .purpose-name').allTextContents(),
    ).toEqual(['交警执法', '扫码出示', '租车', '保险', '单位', '年龄核验', '自定义']);
    expect(await driver.locator('#purpose-picker .purpose:disabled').count()).toBe(0);
    await screenshot(driver, 'app-05a-purpose-picker');
    // Custom: nothing ticked, nothing to show; one box ticked is enough.
    await driver.click('#purpose-custom');
    await driver.locator('#custom-panel').waitFor();
    expect(await driver.isDisabled('#custom-show')).toBe(true);
    expect(await driver.textContent('#custom-none')).toBe('请至少选择一项');
    await driver.check('#custom-age_over_18');
    expect(await driver.isDisabled('#custom-show')).toBe(false);
    await driver.locator('#custom-panel').scrollIntoViewIfNeeded();
    await screenshot(driver, 'app-05b-custom-picker');
    await driver.uncheck('#custom-age_over_18');
    expect(await driver.isDisabled('#custom-show')).toBe(true);
    await driver.click('#purpose-custom');
    expect(await driver.locator('#custom-panel').count()).toBe(0);
    await showCode(driver);
    expect(await driver.getAttribute('#purpose-frame', 'data-frame')).toBe('full');
    expect(await driver.textContent('#purpose-label')).toBe('交警执法 · 全部信息');
    expect(await driver.textContent('#withheld-groups')).toBe('全部信息均出示');
    expect(await driver.textContent('#qr-status')).toBe('驾驶证状态：正常');
    expect(await driver.textContent('#qr-time')).toMatch(/^生成时间 \d\d:\d\d:\d\d$/);
    expect(await driver.textContent('#qr-countdown')).toMatch(/^\d+ 秒后刷新$/);
    await screenshot(driver, 'app-05-licence-qr');
    await driver.locator('#licence-card').scrollIntoViewIfNeeded();
    await screenshot(driver, 'app-06-licence-card');
    await driver.evaluate(() => {
      window.scrollTo(0, document.body.scrollHeight);
    });
    await screenshot(driver, 'app-06-licence-card-end');
    // The device key is WebCrypto's, and not extractable.
    expect(
      await driver.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve) => {
          const r = indexedDB.open('lz-driver');
          r.onsuccess = () => {
            resolve(r.result);
          };
        });
        const pair = await new Promise<CryptoKeyPair>((resolve) => {
          const r = db.transaction('kv').objectStore('kv').get('deviceKey');
          r.onsuccess = () => {
            resolve(r.result as CryptoKeyPair);
          };
        });
        return [pair.privateKey.algorithm.name, pair.privateKey.extractable];
      }),
    ).toEqual(['Ed25519', false]);
    firstQr = (await captureQr(driver)).png;

    // English on request: the same page, every label in English.
    await driver.click('#language');
    await driver.locator('#qr[data-presentation]').waitFor();
    expect(await driver.textContent('#qr-status')).toBe('Licence status: normal');
    expect(await driver.textContent('#purpose-label')).toBe('Traffic police · everything');
    expect(await driver.textContent('#f-nationality')).toBe('China');
    await screenshot(driver, 'app-06-licence-en');
    // On a 320 px phone the card's numbers and dates are each on one line, in either language,
    // and nothing scrolls sideways.
    await driver.setViewportSize({ width: 320, height: 640 });
    for (const lang of ['en', 'zh']) {
      expect(await cutValues(driver), lang).toEqual([]);
      expect(
        await driver.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBe(0);
      await driver.locator('#licence-card').scrollIntoViewIfNeeded();
      await screenshot(driver, `app-06-licence-card-320-${lang}`);
      if (lang === 'en') {
        await driver.click('#language');
        await driver.locator('#qr[data-presentation]').waitFor();
      }
    }
    await driver.setViewportSize({ width: 390, height: 844 });
    expect(await driver.textContent('#f-nationality')).toBe('中国');

    // A photo change right after the issue: the app says from when it may change.
    await driver.click('#change-photo');
    await driver.locator('#photo-change-not-before').waitFor();
    expect(await driver.textContent('#photo-change-not-before')).toMatch(
      /^距上次签发时间过短，\d{4}-\d\d-\d\d \d\d:\d\d（北京时间）后可更换照片。$/,
    );
    await screenshot(driver, 'app-07-photo-change-too-soon');
    await driver.getByRole('button', { name: '返回' }).click();
    // Back from another page, the driver is asked again who is checking.
    await showCode(driver);
  });

  it('when the QR is shown to the verifier app, then it says 有效', async () => {
    expect(await verify(firstQr, 'verifier-01-valid')).toEqual([
      { tone: 'valid', code: null, text: '有效' },
    ]);
  });

  it('when the same picture is shown a minute later, then the code has expired', async () => {
    expect(await verify(firstQr, 'verifier-02-expired', 75_000)).toEqual([
      { tone: 'valid', code: null, text: '有效' },
      { tone: 'invalid', code: 'ERR_PROOF_EXPIRED', text: '出示码已过期' },
    ]);
  });

  it('when the phone is offline, then the app still shows a fresh QR that verifies', async () => {
    await driverContext.setOffline(true);
    await driver.reload();
    await showCode(driver);
    expect(await driver.textContent('#net-state')).toMatch(
      /^离线 · 上次更新 \d{4}-\d\d-\d\d \d\d:\d\d$/,
    );
    await screenshot(driver, 'app-08-offline-qr');
    const { png } = await captureQr(driver);
    await driverContext.setOffline(false);
    expect(await verify(png, 'verifier-03-offline-valid')).toEqual([
      { tone: 'valid', code: null, text: '有效' },
    ]);
  });

  it('when the driver picks 租车, then the police app shows name, classes and validity and 未出示 for the ID number and address, and the code carries no ID number', async () => {
    await driver.click('#change-purpose');
    await driver.setViewportSize({ width: 360, height: 780 });
    await driver.locator('#purpose-picker').waitFor();
    expect(
      await driver.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBe(0);
    await screenshot(driver, 'app-05c-purpose-picker-360');
    await driver.setViewportSize({ width: 390, height: 844 });
    await showCode(driver, 'rental');
    expect(await driver.getAttribute('#purpose-frame', 'data-frame')).toBe('partial');
    expect(await driver.getAttribute('#purpose-frame', 'data-purpose')).toBe('rental');
    expect(await driver.textContent('#purpose-label')).toBe('租车 · 部分信息');
    expect(await driver.locator('#shown-groups li').allTextContents()).toEqual([
      GROUP_WORDS.holder.zh,
      GROUP_WORDS.driving.zh,
    ]);
    expect(await driver.textContent('#withheld-groups')).toBe(
      `不出示：${[GROUP_WORDS.identity.zh, GROUP_WORDS.file.zh, GROUP_WORDS.age_over_18.zh, GROUP_WORDS.age_over_60.zh].join('；')}`,
    );
    // The screen held out shows no more than the code: the card below says 未出示 in place of
    // the groups withheld.
    const cardText = (await driver.textContent('#licence-card')) ?? '';
    for (const value of [stored.licenceNumber, stored.address, stored.birthDate, stored.fileNumber])
      expect(cardText).not.toContain(value);
    expect(await cardFields(driver)).toEqual({
      licenceNumber: '未出示',
      name: stored.name,
      sex: '未出示',
      nationality: '未出示',
      address: '未出示',
      birthDate: '未出示',
      firstIssueDate: '未出示',
      classes: formatClasses(stored.classes),
      points: `${stored.points} 分`,
      validFrom: `${stored.validFrom} 至 ${stored.validTo === 'long-term' ? '长期' : stored.validTo}`,
      issuingAuthority: '未出示',
      fileNumber: '未出示',
    });
    expect(await driver.isVisible('#licence-card img.photo')).toBe(true);
    expect(await driver.isVisible('#photo-withheld')).toBe(false);
    await screenshot(driver, 'app-17-rental-code');
    await driver.locator('#disclosed').scrollIntoViewIfNeeded();
    await screenshot(driver, 'app-17-rental-code-words');
    const { png, text } = await captureQr(driver);
    // At 360 px the frame, its label and the words fit without scrolling sideways, in either
    // language.
    await driver.setViewportSize({ width: 360, height: 780 });
    const overflow = () =>
      driver.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    // The app's name in the bar is shown whole, beside 消息 with its unread count, 语言 and 退出.
    const barTitle = () =>
      driver.evaluate(() => {
        const title = document.querySelector('#bar h1');
        return {
          text: title?.textContent,
          cut: title === null ? -1 : title.scrollWidth - title.clientWidth,
          unread: document.querySelector('#unread-count')?.textContent,
        };
      });
    expect(await overflow()).toBe(0);
    expect(await barTitle()).toEqual({ text: '亮证 · 电子驾驶证', cut: 0, unread: '1' });
    await screenshot(driver, 'app-17-rental-code-360');
    await driver.click('#language');
    await driver.locator('#qr[data-presentation]').waitFor();
    expect(await driver.textContent('#purpose-label')).toBe('Car rental · part only');
    expect(await overflow()).toBe(0);
    expect(await barTitle()).toEqual({ text: 'Liangzheng', cut: 0, unread: '1' });
    // No English word of the card is cut across two lines (long-ter / m; a break after a hyphen
    // is a line break, not a cut).
    expect(
      await driver.evaluate(() =>
        [...document.querySelectorAll('#licence-card dd')].flatMap((dd) => {
          const text = dd.firstChild;
          if (text === null) return [];
          return [...(text.textContent ?? '').matchAll(/[A-Za-z]{2,12}/g)].flatMap((word) => {
            const range = document.createRange();
            range.setStart(text, word.index);
            range.setEnd(text, word.index + word[0].length);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            return lines.size > 1 ? [word[0]] : [];
          });
        }),
      ),
    ).toEqual([]);
    // Within a sentence, the groups after the first in lower case (ID stays).
    expect(await driver.textContent('#withheld-groups')).toBe(
      'Not shown: ID (licence) number, sex, nationality, birth date, address; first issue date, issuing authority, file number; whether 18 or over; whether 60 or over',
    );
    await screenshot(driver, 'app-17-rental-code-360-en');
    await driver.click('#language');
    await driver.setViewportSize({ width: 390, height: 844 });

    // What the QR carries: the rental purpose, name and driving only; no ID number anywhere.
    expect(text.startsWith('LZ2:')).toBe(true);
    expect(text).not.toContain(stored.licenceNumber);
    const parts = decodePresentationV2(text, inflateClaims);
    expect([parts.purpose, parts.groups]).toEqual(['rental', [0, 1]]);
    const values = JSON.stringify(parts.values);
    expect(values).toContain(stored.name);
    expect(values).not.toContain(stored.licenceNumber);
    expect(values).not.toContain(stored.address);
    expect(values).not.toContain(stored.birthDate);
    expect(values).not.toContain(stored.fileNumber);

    let card: Record<string, { text: string | null; withheld: string | null }> = {};
    const shown = await verify(png, 'verifier-05-rental', undefined, async (officer) => {
      card = await officer.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll<HTMLElement>('dd[data-field]')].map((dd) => [
            dd.dataset.field ?? '',
            { text: dd.textContent, withheld: dd.getAttribute('data-withheld') },
          ]),
        ),
      );
    });
    expect(shown[0]?.tone).toBe('valid');
    const validTo = stored.validTo === 'long-term' ? '长期' : stored.validTo;
    expect(card.name).toEqual({ text: stored.name, withheld: null });
    expect(card.classes).toEqual({ text: formatClasses(stored.classes), withheld: null });
    expect(card.validity).toEqual({ text: `${stored.validFrom} 至 ${validTo}`, withheld: null });
    expect(card.licenceNumber).toEqual({ text: '未出示', withheld: 'true' });
    expect(card.address).toEqual({ text: '未出示', withheld: 'true' });
    expect(card.birthDate).toEqual({ text: '未出示', withheld: 'true' });
    expect(card.fileNumber).toEqual({ text: '未出示', withheld: 'true' });

    // Back at the picker, the card shows everything again.
    await driver.click('#change-purpose');
    await driver.locator('#purpose-picker').waitFor();
    expect((await cardFields(driver)).licenceNumber).toBe(stored.licenceNumber);

    // The phone's record: the rental code once (not once per refresh), newest first, after the
    // police codes picked before; cleared on the driver's word.
    await driver.click('#open-shown-log');
    await driver.locator('#shown-log').waitFor();
    const purposes = await driver.locator('#shown-log .shown-purpose').allTextContents();
    expect(purposes[0]).toBe('租车');
    expect(purposes.slice(1).every((p) => p === '交警执法')).toBe(true);
    expect(purposes.length).toBeGreaterThanOrEqual(2);
    expect(await driver.locator('#shown-log .shown-groups').first().textContent()).toBe(
      `${GROUP_WORDS.holder.zh}；${GROUP_WORDS.driving.zh}`,
    );
    expect(await driver.locator('#shown-log .shown-when').first().textContent()).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）$/,
    );
    await screenshot(driver, 'app-18-shown-log');
    await driver.click('#clear-log');
    await screenshot(driver, 'app-18-shown-log-clear');
    await driver.click('#clear-log-yes');
    await driver.locator('#shown-log-empty').waitFor();
    expect(await driver.textContent('#shown-log-empty')).toBe('还没有出示记录');
    await driver.click('#shown-log-back');
    await showCode(driver);
  });

  it('when the driver picks 年龄核验 or ticks groups by hand, then the code carries only those groups, and the age code verifies with only its age result on the officer’s screen', async () => {
    await driver.click('#change-purpose');
    await showCode(driver, 'age');
    expect(await driver.textContent('#purpose-label')).toBe('年龄核验 · 部分信息');
    expect(await driver.locator('#shown-groups li').allTextContents()).toEqual([
      GROUP_WORDS.age_over_18.zh,
    ]);
    // Nothing of the card but 未出示, and no photo.
    expect(await driver.textContent('#licence-card')).not.toContain(stored.name);
    expect(new Set(Object.values(await cardFields(driver)))).toEqual(new Set(['未出示']));
    expect(await driver.isVisible('#licence-card img.photo')).toBe(false);
    expect(await driver.textContent('#photo-withheld')).toBe('未出示');
    await screenshot(driver, 'app-19-age-code-card');
    const age = await captureQr(driver);
    const ageParts = decodePresentationV2(age.text, inflateClaims);
    expect([ageParts.purpose, ageParts.groups, ageParts.values]).toEqual(['age', [4], [true]]);
    let seen: { fields: number; age: [string | null, string | null, string | null][] } = {
      fields: -1,
      age: [],
    };
    const shown = await verify(age.png, 'verifier-06-age', undefined, async (officer) => {
      seen = await officer.evaluate(() => ({
        fields: document.querySelectorAll('dd[data-field]').length,
        age: [...document.querySelectorAll<HTMLElement>('.age-result')].map(
          (p): [string | null, string | null, string | null] => [
            p.dataset.age ?? null,
            p.dataset.over ?? null,
            p.textContent,
          ],
        ),
      }));
    });
    expect(shown[0]?.tone).not.toBe('invalid');
    // No licence field was shown, so the police app shows the age result instead of a card.
    expect(seen).toEqual({ fields: 0, age: [['18', 'true', VERIFIER_UI.over18Yes.zh]] });

    await driver.click('#change-purpose');
    await driver.click('#purpose-custom');
    await driver.check('#custom-holder');
    await driver.check('#custom-age_over_60');
    await driver.click('#custom-show');
    await driver.locator('#qr[data-presentation]').waitFor();
    expect(await driver.textContent('#purpose-label')).toBe('自定义 · 部分信息');
    const custom = decodePresentationV2(
      (await driver.getAttribute('#qr', 'data-presentation')) ?? '',
      inflateClaims,
    );
    expect([custom.purpose, custom.groups]).toEqual(['custom', [0, 5]]);
    expect(JSON.stringify(custom.values)).not.toContain(stored.licenceNumber);
    await screenshot(driver, 'app-19-custom-code');
  });

  it('when the phone keeps only a version 1 credential, then offline it shows the whole code alone, and the next refresh replaces it with a holder copy', async () => {
    const keys = loadTestKeys();
    const now = Math.floor(Date.now() / 1000);
    const old = await signClaimsByHand(
      {
        iss: origin,
        iat: now - 60,
        nbf: now - 60,
        exp: now + 86_400,
        jti: 'a-version-1-credential',
        holderKey: keys.holder.publicJwk.x,
        status: { idx: 1, uri: `${origin}/status/1` },
        licence: stored,
      },
      keys.issuer,
    );
    const keepV1 = (text: string) =>
      driver.evaluate(async (t) => {
        const db = await new Promise<IDBDatabase>((resolve) => {
          const r = indexedDB.open('lz-driver');
          r.onsuccess = () => {
            resolve(r.result);
          };
        });
        await new Promise<void>((resolve) => {
          const tx = db.transaction('kv', 'readwrite');
          tx.objectStore('kv').put(
            { text: t, jti: 'a-version-1-credential', refreshedAt: Date.now() },
            'credential',
          );
          tx.oncomplete = () => {
            resolve();
          };
        });
      }, text);
    const keptCopy = () =>
      driver.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve) => {
          const r = indexedDB.open('lz-driver');
          r.onsuccess = () => {
            resolve(r.result);
          };
        });
        return new Promise<string | null>((resolve) => {
          const r = db.transaction('kv').objectStore('kv').get('credential');
          r.onsuccess = () => {
            resolve((r.result as { holderCopy?: string }).holderCopy ?? null);
          };
        });
      });
    await keepV1(old);
    await driverContext.setOffline(true);
    await driver.reload();
    await driver.locator('#purpose-picker').waitFor();
    // Only the police code: the five partial purposes and 扫码出示 need a holder's copy.
    expect(await driver.locator('#purpose-picker .purpose:disabled').count()).toBe(6);
    expect(await driver.textContent('#pick-v1-only')).toBe(
      '本机的电子驾驶证只能出示全部信息；联网更新后可按用途出示。',
    );
    await screenshot(driver, 'app-20-version-1-offline');
    await showCode(driver);
    expect(((await driver.getAttribute('#qr', 'data-presentation')) ?? '').startsWith('LZ1:')).toBe(
      true,
    );
    expect(await keptCopy()).toBeNull();

    await driverContext.setOffline(false);
    await driver.reload();
    await expect.poll(keptCopy, { timeout: 15_000 }).not.toBeNull();
    await driver
      .locator('#purpose-picker .purpose:disabled')
      .first()
      .waitFor({ state: 'detached' });
    await showCode(driver, 'rental');
    expect(((await driver.getAttribute('#qr', 'data-presentation')) ?? '').startsWith('LZ2:')).toBe(
      true,
    );
  });

  it('when an admin suspends the licence, then the QR turns red and the verifier says 驾驶证已暂扣', async () => {
    const reply = await admin.post(`/api/registry/licences/${stored.licenceNumber}/suspend`, {});
    expect(reply.status).toBe(200);
    await driver.reload();
    await expect
      .poll(() => driver.textContent('#qr-status'), { timeout: 10_000 })
      .toBe('驾驶证状态：已暂扣');
    expect(await driver.getAttribute('#qr-box', 'class')).toBe('qr-box alert');
    await showCode(driver);
    expect(await driver.textContent('#qr-status')).toBe('驾驶证状态：已暂扣');
    expect(await qrInk(driver)).toEqual([196, 22, 28]);
    await screenshot(driver, 'app-09-suspended-red-qr');
    const { png } = await captureQr(driver);
    expect(await verify(png, 'verifier-04-suspended')).toEqual([
      { tone: 'invalid', code: 'ERR_SUSPENDED', text: '驾驶证已暂扣' },
    ]);

    // The licence's state is part of what an age code withholds: drawn in black, nothing said
    // of the state under it. Back at the picker the driver sees it again.
    await driver.click('#change-purpose');
    await showCode(driver, 'age');
    expect(await driver.getAttribute('#qr-box', 'class')).toBe('qr-box');
    expect(await driver.locator('#qr-status').count()).toBe(0);
    expect(await qrInk(driver)).toEqual([0, 0, 0]);
    await screenshot(driver, 'app-09a-suspended-age-code');
    await driver.click('#change-purpose');
    await driver.locator('#purpose-picker').waitFor();
    expect(await driver.textContent('#qr-status')).toBe('驾驶证状态：已暂扣');
    expect(await driver.getAttribute('#qr-box', 'class')).toBe('qr-box alert');
  });

  it('when the sign-up form has a licence number that is not one, then the app says which field and what it expects, marks it and puts the cursor there', async () => {
    const { context, page } = await newPhonePage(browser, { origin });
    try {
      await page.goto('/app/');
      await page.getByRole('button', { name: '还没有账号？注册' }).click();
      // The last character is not the number's check digit (GB 11643).
      await page.fill('#sign-up #licenceNumber', '440106199003072420');
      await page.fill('#sign-up #name', '欧阳晓雯');
      await page.fill('#sign-up #phone', '13700009999');
      await page.fill('#sign-up #password', PASSWORD);
      await page.click('#sign-up button[type=submit]');
      await page.locator('#main .error').waitFor();
      expect(await page.textContent('#main .error')).toBe(
        '填写有误：驾驶证号（应为 18 位身份证号码，末位可为 X，请逐位核对）',
      );
      expect(await page.getAttribute('#sign-up #licenceNumber', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('#sign-up #phone', 'aria-invalid')).toBeNull();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('licenceNumber');
      // Red while the cursor is in it too: the browser's own focus ring, drawn over the border,
      // made the marked field look like any focused one.
      const red = 'rgb(196, 22, 28)';
      expect(
        await page.$eval('#sign-up #licenceNumber', (input) => {
          const style = getComputedStyle(input);
          return [style.borderTopColor, style.outlineStyle, style.outlineColor];
        }),
      ).toEqual([red, 'solid', red]);
      await screenshot(page, 'app-01b-sign-up-invalid');
      // A driver who switches the language to read the refusal keeps it, in the other language,
      // with the field still marked and what was typed.
      await page.click('#language');
      await page.locator('#sign-up h2', { hasText: 'Sign up' }).waitFor();
      await expect
        .poll(() => page.textContent('#main .error'))
        .toBe(
          'Please check: licence number (the 18-character citizen ID number, the last may be X: check each digit)',
        );
      expect(await page.locator('#main .error').count()).toBe(1);
      expect(await page.getAttribute('#sign-up #licenceNumber', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('#sign-up #phone', 'aria-invalid')).toBeNull();
      expect(await page.inputValue('#sign-up #licenceNumber')).toBe('440106199003072420');
      await screenshot(page, 'app-01c-sign-up-invalid-en');
      await page.click('#language');
      await page.locator('#sign-up h2', { hasText: '注册' }).waitFor();
      await expect
        .poll(() => page.textContent('#main .error'))
        .toBe('填写有误：驾驶证号（应为 18 位身份证号码，末位可为 X，请逐位核对）');
      expect(await page.getAttribute('#sign-up #licenceNumber', 'aria-invalid')).toBe('true');
    } finally {
      await context.close();
    }
  });

  it('when the numbers are typed grouped, in full-width digits or with +86, and the password ends in a space, then the account is made, and the same password signs in again', async () => {
    const licence = await registryLicence(9107);
    const n = licence.licenceNumber;
    // A Chinese input method in full-width mode: ５１０１０７ … , and a lower-case x.
    const fullWidth = (text: string) =>
      text.replace(/[0-9A-Za-z]/g, (c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0));
    const password = `${PASSWORD} `;
    const { context, page } = await newPhonePage(browser, { origin });
    try {
      await page.goto('/app/');
      await page.getByRole('button', { name: '还没有账号？注册' }).click();
      await page.fill(
        '#sign-up #licenceNumber',
        fullWidth(`${n.slice(0, 6)} ${n.slice(6, 14)} ${n.slice(14).toLowerCase()}`),
      );
      await page.fill('#sign-up #name', licence.name);
      await page.fill('#sign-up #phone', '+86 137 0000 9107');
      await page.fill('#sign-up #password', password);
      await page.click('#sign-up button[type=submit]');
      await page.locator('#binding-code').waitFor();
      expect(lastCode(service, '13700009107')).toMatch(/^\d{6}$/);

      await page.click('#sign-out');
      await page.locator('#sign-in').waitFor();
      await page.fill('#sign-in #licenceNumber', '137-0000-9107');
      await page.fill('#sign-in #password', password);
      await page.click('#sign-in button[type=submit]');
      await page.locator('#binding-code').waitFor();
      expect(await page.isVisible('#main .error')).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('when the language is switched half-way through the sign-up form, then what was typed stays', async () => {
    const { context, page } = await newPhonePage(browser, { origin });
    try {
      await page.goto('/app/');
      await page.getByRole('button', { name: '还没有账号？注册' }).click();
      const typed = {
        licenceNumber: '440106199003072429',
        name: '欧阳晓雯',
        phone: '13700009108',
        password: `${PASSWORD} `,
      };
      for (const [id, text] of Object.entries(typed)) await page.fill(`#sign-up #${id}`, text);
      await page.getByRole('button', { name: 'EN' }).click();
      await page.locator('#sign-up h2', { hasText: 'Sign up' }).waitFor();
      const kept = await page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll<HTMLInputElement>('#sign-up input')].map((i) => [
            i.id,
            i.value,
          ]),
        ),
      );
      expect(kept).toEqual(typed);
    } finally {
      await context.close();
    }
  });

  it('when a suspended licence signs up, then the app says why before offering any path', async () => {
    const licence = { ...(await registryLicence(9103)) };
    await service.deps.db.kysely
      .updateTable('licences')
      .set({ record: JSON.stringify({ ...licence, status: 'D' }), status: 'D' })
      .where('licence_number', '=', licence.licenceNumber)
      .execute();
    const { context, page } = await newPhonePage(browser, { origin });
    await signUpAndIn(page, licence);
    await page.locator('#licence-not-usable').waitFor();
    expect(await page.textContent('#licence-not-usable')).toBe(
      '驾驶证当前状态不能申领电子驾驶证（已暂扣）',
    );
    expect(await page.locator('.paths button').count()).toBe(0);
    await screenshot(page, 'app-09b-apply-suspended');
    await context.close();
  });

  it('when the e-licence is taken up on a second phone, then the first says so without a code, and takes it back only when asked', async () => {
    const licence = await registryLicence(9104);
    const first = await newPhonePage(browser, { origin });
    await signUpAndIn(first.page, licence);
    await first.page.locator('#path-album').waitFor();
    // The application as the flow leaves it once issued.
    const { id: driverId } = await service.deps.db.kysely
      .selectFrom('drivers')
      .select('id')
      .where('licence_number', '=', licence.licenceNumber)
      .executeTakeFirstOrThrow();
    await insertIssuedApplication(service.deps.db, driverId, licence.licenceNumber, service.now());
    await first.page.reload();
    await showCode(first.page);

    const second = await newPhonePage(browser, { origin });
    await second.page.goto('/app/');
    await second.page.fill('#sign-in #licenceNumber', licence.licenceNumber);
    await second.page.fill('#sign-in #password', PASSWORD);
    await second.page.click('#sign-in button[type=submit]');
    await showCode(second.page);
    const liveDevice = () =>
      service.deps.db.kysely
        .selectFrom('credentials')
        .select('device_id')
        .where('licence_number', '=', licence.licenceNumber)
        .where('state', '=', 'live')
        .executeTakeFirstOrThrow();
    const onSecond = (await liveDevice()).device_id;

    // The first phone, online again: told, no code, and it does not take the e-licence back.
    await first.page.reload();
    await first.page.locator('#moved-away').waitFor();
    expect(await first.page.textContent('#moved-away')).toBe(
      '您的电子驾驶证已在另一台手机上启用，本机的二维码已停用。',
    );
    expect(await first.page.locator('#qr').count()).toBe(0);
    await screenshot(first.page, 'app-16-moved-away');
    await first.page.reload();
    await first.page.locator('#moved-away').waitFor();
    expect((await liveDevice()).device_id).toBe(onSecond);

    // Asked, it moves back here; the second phone is then the one told.
    await first.page.click('#use-here');
    await showCode(first.page);
    expect((await liveDevice()).device_id).not.toBe(onSecond);
    await second.page.reload();
    await second.page.locator('#moved-away').waitFor();
    await first.context.close();
    await second.context.close();
  });

  it('when a driver sends an album photo, then a rejection reaches the app with its reason, and an approval issues the licence with a notice', async () => {
    const licence = await registryLicence(9102);
    const { context, page } = await newPhonePage(browser, { origin });
    await signUpAndIn(page, licence);
    await page.locator('#path-album').waitFor();
    expect(await page.isVisible('#open-inbox')).toBe(true);
    expect(await page.locator('.paths button').count()).toBe(2);
    await page.click('#path-album');
    await page.locator('#guidance').waitFor();
    expect(await page.locator('#guidance li').allTextContents()).toEqual([
      '白色背景，背景干净均匀',
      '穿深色衣服，露出双耳，不戴帽子和眼镜',
      '请他人为您拍摄，正面免冠，表情自然',
      '近 6 个月内的照片',
    ]);
    await screenshot(page, 'app-10-guidance');

    // A grey background: the pre-check answers at once, each rule in words.
    const grey = join(workDir, 'grey.jpg');
    await writeFile(grey, await portraitJpeg(150));
    await page.setInputFiles('#album-input', grey);
    await page.click('#picture-use');
    await page.locator('#precheck-failures').waitFor();
    expect(await page.locator('#precheck-failures li').allTextContents()).toEqual([
      '背景须为均匀的白色',
    ]);
    await screenshot(page, 'app-11-precheck-failed');

    const white = join(workDir, 'white.jpg');
    await writeFile(white, await portraitJpeg(255, { seed: 77 }));
    await page.setInputFiles('#album-input', white);
    await page.click('#picture-use');
    await page.locator('#application-state').waitFor();
    expect(await page.textContent('#application-state .state-title')).toBe(
      '照片已提交，等待交警审核',
    );
    expect(await page.textContent('#application-state p:nth-child(2)')).toMatch(
      /^审核截止时间：\d{4}-\d\d-\d\d 23:59（北京时间）$/,
    );
    await screenshot(page, 'app-12-submitted');

    // The reviewer rejects it from the console, with a reason from the list and a note.
    const username = `reviewer-${randomBytes(3).toString('hex')}`;
    await service.deps.db.kysely
      .insertInto('staff')
      .values({
        username,
        role: 'reviewer',
        password_hash: await hashPassword(PASSWORD),
        created_at: service.now(),
      })
      .execute();
    const { context: consoleContext, page: desk } = await newPhonePage(browser, { origin });
    await desk.goto('/console/');
    await desk.fill('#username', username);
    await desk.fill('#password', PASSWORD);
    await screenshot(desk, 'console-01-sign-in');
    await desk.click('#sign-in button[type=submit]');
    await desk.locator('#queue').waitFor();
    const masked = `${licence.licenceNumber.slice(0, 6)}********${licence.licenceNumber.slice(-4)}`;
    expect(await desk.locator('#queue .entry-number').allTextContents()).toEqual([masked]);
    await screenshot(desk, 'console-02-queue');
    await desk.click('#queue .entry');
    await desk.locator('#photo').waitFor();
    await desk.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('#photo')?.naturalWidth ?? 0) === 600,
    );
    expect(await desk.textContent('#precheck')).toContain('尺寸 600×800 像素');
    expect(await desk.locator('#audit .trail .action').allTextContents()).toEqual([
      '开始申请',
      '提交照片',
    ]);
    expect(
      await desk
        .locator('#audit .trail .action')
        .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-action'))),
    ).toEqual(['application.start', 'application.submit_photo']);
    // The identity photo beside the submitted one, and who applies.
    await desk.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('#reference-photo')?.naturalWidth ?? 0) > 0,
    );
    expect(await desk.textContent('#applicant-name')).toBe(licence.name);
    const bindingCheck = (await desk.textContent('#binding-check')) ?? '';
    expect(bindingCheck).toMatch(/^通过（相似度 100，\d{4}-\d\d-\d\d \d\d:\d\d）$/);
    // The check's time on one line at 390 px, not cut at its space or a hyphen.
    expect(await linesOf(desk, '#binding-check', bindingCheck.slice(-17, -1))).toBe(1);
    expect(await desk.textContent('#earlier-rejections')).toBe('无');
    await screenshot(desk, 'console-03-application');
    await desk.setViewportSize({ width: 1280, height: 900 });
    await screenshot(desk, 'console-03-application-desktop');
    await desk.setViewportSize({ width: 390, height: 844 });
    await desk.selectOption('#reject-reason', '背景不是白色或不均匀');
    await desk.fill('#reject-note', '左侧有阴影');
    await desk.click('#reject');
    // Asked once more: cancel leaves it as it is; confirm sends it.
    await desk.click('#cancel-decision');
    expect(await desk.textContent('#detail-state')).toBe('待审核');
    await desk.click('#reject');
    await screenshot(desk, 'console-03-confirm-reject');
    await desk.click('#confirm-decision');
    await expect.poll(() => desk.textContent('#detail-state')).toBe('已退回');
    expect(await desk.textContent('#detail-reason')).toBe('背景不是白色或不均匀（左侧有阴影）');
    await screenshot(desk, 'console-04-rejected');

    await page.reload();
    await page.locator('#application-state').waitFor();
    expect(await page.textContent('#application-state .state-title')).toBe('照片未通过审核');
    expect(await page.textContent('#application-state .reason')).toBe(
      '原因：背景不是白色或不均匀（左侧有阴影）',
    );
    await screenshot(page, 'app-13-rejected');

    await page.getByRole('button', { name: '重新提交照片' }).click();
    await page.setInputFiles('#album-input', white);
    await page.click('#picture-use');
    await page.locator('#application-state').waitFor();
    expect(await page.textContent('#application-state .state-title')).toBe(
      '照片已提交，等待交警审核',
    );

    await desk.click('#back');
    await desk.click('#queue .entry');
    await desk.locator('#approve').waitFor();
    expect(await desk.textContent('#earlier-rejections')).toMatch(
      /^申请 #\d+，\d{4}-\d\d-\d\d \d\d:\d\d：背景不是白色或不均匀（左侧有阴影）$/,
    );
    await desk.click('#approve');
    await desk.click('#confirm-decision');
    await expect.poll(() => desk.textContent('#detail-state')).toBe('已签发');
    // The trail in words: who, what, and what changed, never JSON.
    const details = await desk.locator('#audit .trail .details').allTextContents();
    expect(details.join('\n')).not.toMatch(/[{}"]/);
    await screenshot(desk, 'console-05-issued');
    await consoleContext.close();

    await page.reload();
    await page.locator('#licence-card').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#f-no')).toBe(licence.licenceNumber);
    expect(await page.textContent('#qr-status')).toBe('驾驶证状态：正常');
    // The inbox opened while the licence page still refreshes in the background: the refresh,
    // once done, must not redraw the inbox (which by then has marked its entries read).
    let refreshed!: () => void;
    const refreshDone = new Promise<void>((resolve) => {
      refreshed = resolve;
    });
    // The credential read (GET /api/me/credential) and the refresh (POST
    // /api/me/devices/:id/credential), both held back.
    const credentialRequests = (url: URL) =>
      /^\/api\/me\/(devices\/\d+\/)?credential$/.test(url.pathname);
    await page.route(credentialRequests, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
      if (route.request().method() === 'POST') refreshed();
    });
    await page.reload();
    await page.locator('#licence-card').waitFor({ timeout: 20_000 });
    await page.click('#open-inbox');
    await page.locator('#inbox').waitFor();
    await refreshDone;
    await page.waitForTimeout(1000);
    await page.unroute(credentialRequests);
    expect(await page.locator('#inbox .inbox-title').allTextContents()).toEqual([
      '电子驾驶证已签发未读',
      '电子驾驶证申领未通过审核未读',
    ]);
    expect(await page.locator('#inbox .inbox-body').nth(1).textContent()).toBe(
      '照片未通过审核，原因是背景不是白色或不均匀（左侧有阴影）。请在“亮证”中点“重新提交照片”。',
    );
    await screenshot(page, 'app-14-inbox');
    await context.close();
  }, 90_000);

  it("when the real person binds a licence another account holds, then the licence moves and the old phone's QR verifies 此电子驾驶证已被新证取代", async () => {
    const licence = await registryLicence(9105, await portraitJpeg(255, { seed: 9 }));
    // Someone with the licence's name and number, bound before, showing a code.
    const squatter = await newPhonePage(browser, { origin });
    await signUpAndIn(squatter.page, licence);
    await squatter.page.click('#path-stored');
    await squatter.page.click('#confirm-stored');
    await squatter.page.waitForFunction(
      () => (document.querySelector('video')?.videoWidth ?? 0) > 0,
    );
    await squatter.page.click('#camera-take');
    await showCode(squatter.page);
    const oldQr = (await captureQr(squatter.page)).png;
    await squatter.context.close();
    // The real person, on a new account: code and real-person check take the licence over.
    const real = await newPhonePage(browser, { origin });
    await signUpAndIn(real.page, licence, 'app-takeover');
    await real.page.locator('#path-stored').waitFor();
    await real.context.close();
    expect(await verify(oldQr, 'verifier-takeover-superseded')).toEqual([
      { tone: 'invalid', code: 'ERR_SUPERSEDED', text: '此电子驾驶证已被新证取代' },
    ]);
  }, 90_000);

  it('when the licence runs to a date, then the card keeps both dates of its validity whole at 390, 360 and 320 px, in both languages', async () => {
    const { context, page } = await driverOnLicencePage(service, browser, 9120, {
      validFrom: '2021-03-02',
      validTo: '2031-03-02',
    });
    await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
    for (const [lang, validity] of [
      ['zh', '2021-03-02 至 2031-03-02'],
      ['en', '2021-03-02 to 2031-03-02'],
    ] as const) {
      if (lang === 'en') await page.click('#language');
      expect(await page.textContent('#f-validity')).toBe(validity);
      for (const width of [390, 360, 320]) {
        await page.setViewportSize({ width, height: 740 });
        expect(await cutValues(page), `${lang} at ${String(width)} px`).toEqual([]);
      }
      await page.locator('#licence-card').scrollIntoViewIfNeeded();
      await screenshot(page, `app-06-licence-card-dated-320-${lang}`);
    }
    await context.close();
  });

  it('when a driver resets a forgotten password with code and real-person check, then the new one signs in and the old session is refused', async () => {
    const licence = await registryLicence(9106);
    const first = await newPhonePage(browser, { origin });
    const phone = await signUpAndIn(first.page, licence);
    const old = first.page;
    await old.locator('#path-camera').waitFor();
    const { context, page } = await newPhonePage(browser, { origin });
    await page.goto('/app/');
    await page.click('#forgot-password');
    await page.fill('#reset #phone', phone);
    await screenshot(page, 'app-reset-01-phone');
    await page.click('#reset button[type=submit]');
    await page.locator('#reset-code').waitFor();
    // A code one digit short: the field named with what it expects, marked.
    await page.fill('#reset-code #code', lastCode(service, phone).slice(0, 5));
    await page.fill('#reset-code #password', 'a brand new password');
    await page.click('#reset-code button[type=submit]');
    await page.locator('#main .error').waitFor();
    expect(await page.textContent('#main .error')).toBe('填写有误：验证码（短信中的 6 位数字）');
    expect(await page.getAttribute('#reset-code #code', 'aria-invalid')).toBe('true');
    // The right code typed with a Chinese input method in full-width mode, grouped as the SMS
    // shows it: １２３ ４５６ is the code 123456.
    await page.fill('#reset-code #code', fullWidthGrouped(lastCode(service, phone)));
    await screenshot(page, 'app-reset-02-code');
    await page.click('#reset-code button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await page.click('#camera-take');
    await expect
      .poll(() => page.textContent('#sign-in .notice'), { timeout: 20_000 })
      .toBe('密码已重置，所有设备已退出登录。请用新密码登录。');
    await screenshot(page, 'app-reset-03-done');
    await page.fill('#sign-in #licenceNumber', phone);
    await page.fill('#sign-in #password', PASSWORD);
    await page.click('#sign-in button[type=submit]');
    await expect
      .poll(() => page.textContent('#main .error'))
      .toBe('账号或密码错误；再失败 4 次将暂时锁定');
    await page.fill('#sign-in #password', 'a brand new password');
    await page.click('#sign-in button[type=submit]');
    await page.locator('#path-camera').waitFor();
    // The phone signed in before the reset is signed out.
    await old.reload();
    await old.locator('#sign-in').waitFor();
    await context.close();
    await first.context.close();
  });
});

describe.skipIf(!BROWSER_AVAILABLE)('a photo change and an expired credential in Chromium', () => {
  let service: TestService;
  let browser: Browser;
  let clockSync: NodeJS.Timeout;

  beforeAll(async () => {
    // No minimum interval between photo changes, so that one can follow the issue at once.
    service = await startService('sqlite', { env: { PHOTO_CHANGE_INTERVAL_DAYS: '0' } });
    clockSync = setInterval(() => {
      service.advance(Math.floor(Date.now() / 1000) - service.now());
    }, 500);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    clearInterval(clockSync);
    await browser.close();
    await service.close();
  });

  /** The credential the phone keeps under `key`: its jti and hash, or null. */
  const kept = async (page: Page, key: string) => {
    const value = (await keptValue(page, key)) as Record<string, unknown> | null;
    return value === null ? null : { jti: value.jti, hash: value.hash };
  };

  it('when an approved photo change re-issues the credential, then it replaces the one on the phone; once expired, offline, no code is shown', async () => {
    const licence = syntheticLicence(9201);
    const photo = await portraitJpeg(255, { seed: 3 });
    const oldHash = createHash('sha256').update(photo).digest('base64url');
    await insertLicence(service.deps.db, licence, service.now(), oldHash);
    await service.deps.db.kysely
      .insertInto('portraits')
      .values({
        licence_number: licence.licenceNumber,
        photo,
        hash: oldHash,
        source: 'registry',
        updated_at: service.now(),
      })
      .execute();
    const { context, page } = await newPhonePage(browser, { origin: service.url });
    await signUpAndBind(page, service, licence);
    await page.click('#path-stored');
    await page.click('#confirm-stored');
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await page.click('#camera-take');
    await showCode(page);
    const first = (await kept(page, 'credential')) as { jti: string };
    expect(await kept(page, 'portrait')).toEqual({ jti: undefined, hash: oldHash });

    // The photo change: from the licence page, the album, submitted for review.
    await page.click('#change-photo');
    await page.click('#path-album');
    const dir = await mkdtemp(join(tmpdir(), 'lz-change-'));
    const newPhoto = join(dir, 'new.jpg');
    await writeFile(newPhoto, await portraitJpeg(255, { seed: 99 }));
    await page.setInputFiles('#album-input', newPhoto);
    await page.click('#picture-use');
    await page.locator('#pending #application-state').waitFor();
    expect(await page.textContent('#pending #application-state .state-title')).toBe(
      '照片已提交，等待交警审核',
    );
    await screenshot(page, 'app-15-photo-change-pending');

    const reviewer = await newStaff(service, 'reviewer');
    const queue = await reviewer.get<{ applications: { id: number }[] }>('/api/review/queue');
    const id = queue.body.applications[0]?.id ?? 0;
    expect((await reviewer.post(`/api/review/applications/${id}/approve`, {})).status).toBe(200);

    await page.reload();
    await expect
      .poll(async () => ((await kept(page, 'credential')) as { jti: string }).jti, {
        timeout: 10_000,
      })
      .not.toBe(first.jti);
    const reissued = (await kept(page, 'credential')) as { jti: string };
    const live = await service.deps.db.kysely
      .selectFrom('credentials')
      .select('jti')
      .where('jti', '=', reissued.jti)
      .executeTakeFirst();
    expect(live?.jti).toBe(reissued.jti);
    await expect
      .poll(async () => ((await kept(page, 'portrait')) as { hash: string }).hash)
      .not.toBe(oldHash);
    await showCode(page);
    await page.close();

    // Forty days on (past the credential's 30), with no network: no code, but the reason.
    const later = await context.newPage();
    await later.clock.install({ time: Date.now() + 40 * 86_400_000 });
    await context.setOffline(true);
    await later.goto('/app/');
    await later.locator('#qr-expired').waitFor();
    expect(await later.textContent('#qr-expired')).toMatch(
      /^电子驾驶证已过期（\d{4}-\d\d-\d\d \d\d:\d\d），请连接网络后刷新。$/,
    );
    expect(await later.locator('#qr').count()).toBe(0);
    await screenshot(later, 'app-16-credential-expired-offline');
    await context.close();
    await rm(dir, { recursive: true, force: true });
  });
});
