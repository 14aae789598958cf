/*
 * The officer's answer screen in Debian's Chromium, at the phone sizes it is used at (390×844,
 * 360×740, and 320 px for the number): the licence number on one line, the portrait large, the
 * points, 准驾车型 as the card prints them, when the code was made, the status at issue only where
 * it adds to the verdict, each answer said to a screen reader, and a code that is not an e-licence
 * code answered neutrally in words, never in a verdict's red. Codes reach the page as picked
 * images; each case asserts the exact words and saves screenshots.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { chinaDateTime } from '../../shared/china-time.js';
import { renderQrPng } from '../../shared/node/qr-png.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';
import { REASONS, VALID, VALID_WITH_WARNINGS } from '../../verifier/internal/messages.js';
import { UI } from '../../verifier/web/app-messages.js';
import { asVersion2 } from '../helpers/version2-holder.js';
import {
  addDevice,
  issue,
  newDriver,
  newStaff,
  syntheticLicence,
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
  SMALL_PHONE_VIEWPORT,
} from './browser.js';

/** A driver's phone: its holder's copy and device key. */
interface Holder {
  readonly copy: string;
  readonly device: TestDevice;
  readonly licence: LicenceRecord;
}

/** What the answer screen shows at its top. */
interface Answer {
  readonly tone: string | null;
  readonly code: string | null;
  readonly kicker: string;
  readonly text: string;
}

describe.skipIf(!BROWSER_AVAILABLE)('the officer’s answer screen', { timeout: 120_000 }, () => {
  let service: TestService;
  let browser: Browser;
  let work: string;
  let serial = 9800;
  const holders = new Map<string, Holder>();

  beforeAll(async () => {
    if (VERIFIER_APP_DIR === undefined)
      throw new Error('dist/web/verifier is missing: run `npm run build` first');
    service = await startService('sqlite');
    work = await mkdtemp(join(tmpdir(), 'lz-answers-'));
    browser = await launchBrowser();
    // Every credential is issued before the first status list is signed (see verifier-app.test.ts).
    holders.set(
      'classes',
      await holder({
        ...syntheticLicence(serial++),
        classes: ['D', 'A2'],
        points: 3,
        // Valid to a date, as most licences are: two dates in one field.
        validFrom: '2021-03-02',
        validTo: '2031-03-02',
      }),
    );
    holders.set('suspended', await holder(syntheticLicence(serial++)));
    holders.set('unchecked', await holder(syntheticLicence(serial++)));
    const h = await holder(syntheticLicence(serial++));
    // Signed with status H (违法未处理) by the service's own key: the headline can only say 状态异常.
    holders.set('status-h', {
      ...h,
      copy: await asVersion2(service.deps, h.copy, { ...h.licence, status: 'H' }),
    });
    const admin = await newStaff(service, 'admin');
    const suspended = holders.get('suspended')?.licence.licenceNumber ?? '';
    expect((await admin.post(`/api/registry/licences/${suspended}/suspend`, {})).status).toBe(200);
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    await service.close();
    await rm(work, { recursive: true, force: true });
  });

  async function holder(licence: LicenceRecord): Promise<Holder> {
    const driver = await newDriver(service, licence);
    const device = await addDevice(driver);
    return { copy: (await issue(driver, device)).holderCopy, device, licence };
  }

  function held(name: string): Holder {
    const found = holders.get(name);
    if (found === undefined) throw new Error(`no holder ${name}`);
    return found;
  }

  /** The police app open on a phone of `viewport`, ready. */
  async function openApp(
    viewport: { width: number; height: number } = PHONE_VIEWPORT,
    options: { readonly noLists?: boolean } = {},
  ): Promise<Page> {
    const { page } = await newPhonePage(browser, { origin: service.url, viewport });
    // The status lists (and their index) refused: the device never holds one.
    if (options.noLists === true) await page.route(/\/status(\/|$)/, (route) => route.abort());
    await page.goto('/verifier/');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return page;
  }

  let picked = 0;
  /** Picks an image of `text`'s QR and waits for answer number `n`. */
  async function pick(page: Page, text: string, n: number): Promise<Answer> {
    const png = join(work, `pick-${++picked}.png`);
    await writeFile(png, await renderQrPng(text, 4));
    await page.setInputFiles('#pick-image', png);
    await page.waitForFunction((k) => Number(document.body.dataset.verdicts ?? '0') >= k, n, {
      timeout: 20_000,
    });
    return page.evaluate(() => {
      const banner = document.getElementById('verdict');
      return {
        tone: banner?.getAttribute('data-tone') ?? null,
        code: banner?.getAttribute('data-code') ?? null,
        kicker: banner?.querySelector('.verdict-kicker')?.textContent ?? '',
        text: document.getElementById('verdict-text')?.textContent ?? '',
      };
    });
  }

  /** A fresh code of holder `name` made at `now`. */
  function code(name: string, now = new Date()): Promise<string> {
    const { copy, device } = held(name);
    return createPresentationV2(copy, device.signer, { now });
  }

  /** Each shown field of the card by its data-field. */
  function cardFields(page: Page): Promise<Record<string, string | null>> {
    return page
      .locator('.card dd')
      .evaluateAll((els) =>
        Object.fromEntries(els.map((e) => [e.getAttribute('data-field') ?? '', e.textContent])),
      );
  }

  /** The dates on the licence card that a line break cuts in two (the validity's two). */
  function cutDates(page: Page): Promise<string[]> {
    return partsOnTwoLines(page, '.card', /\d{4}-\d\d-\d\d|[Ll]ong-term/g);
  }

  /** The bar's title and how much of it is cut off (px; 0 when whole). */
  function titleCut(page: Page): Promise<{ text: string | null; cut: number }> {
    return page
      .locator('#title')
      .evaluate((h1) => ({ text: h1.textContent, cut: h1.scrollWidth - h1.clientWidth }));
  }

  /**
   * How the licence number lies: the lines its text takes, and how far it reaches past the
   * card's content box (px; 0 or less when inside).
   */
  function numberLayout(page: Page): Promise<{ lines: number; past: number; text: string }> {
    return page.locator('[data-field="licenceNumber"]').evaluate((dd) => {
      const range = document.createRange();
      range.selectNodeContents(dd);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      const body = dd.closest('.card-body')?.getBoundingClientRect();
      const right = range.getBoundingClientRect().right;
      return {
        lines: tops.size,
        past: body === undefined ? Infinity : Math.ceil(right - body.right),
        text: dd.textContent,
      };
    });
  }

  /** The verdict's times, label and value in turn, then the time zone. */
  function times(page: Page): Promise<string[]> {
    return page.locator('.verdict-times > *').allTextContents();
  }

  /** The portrait box's size (px, rounded to a tenth). */
  function portraitSize(page: Page): Promise<[number, number]> {
    return page.locator('#portrait').evaluate((box) => {
      const r = box.getBoundingClientRect();
      return [Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10];
    });
  }

  it('when a licence with classes D and A2 and 3 points shows a valid code, then green with 准驾车型 A2D, 记分 3 分, when the code was made in China time, a portrait of 140 px (130 at 360), and the number on one line at 390, 360 and 320 px in both languages', async () => {
    const { licence } = held('classes');
    // The code was made 4 s ago: its time is the proof's, not the verification's.
    const made = new Date(Math.floor(Date.now() / 1000) * 1000 - 4000);
    const page = await openApp();
    expect(await pick(page, await code('classes', made), 1)).toEqual({
      tone: 'valid',
      code: null,
      kicker: UI.kickerValid.zh,
      text: VALID.zh,
    });
    const fields = await cardFields(page);
    expect(fields.classes).toBe('A2D');
    expect(fields.points).toBe('3 分');
    expect(fields.licenceNumber).toBe(licence.licenceNumber);
    // Green: the live status was read, the status at issue adds nothing.
    expect(fields.status).toBeUndefined();
    expect(await times(page)).toEqual([
      '核验时间',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) as string,
      '出示码生成时间',
      chinaDateTime(made.getTime()),
      '（北京时间）',
    ]);
    expect(await page.textContent('#announce')).toBe(`${UI.kickerValid.zh}：${VALID.zh}`);
    expect(await portraitSize(page)).toEqual([140.4, 175.5]);
    const at390 = await numberLayout(page);
    expect([at390.lines, at390.past <= 0, at390.text]).toEqual([1, true, licence.licenceNumber]);
    await screenshot(page, 'verifier-answer-valid');
    await page.locator('.card').evaluate((e) => {
      e.scrollIntoView({ block: 'start' });
    });
    await screenshot(page, 'verifier-answer-valid-card');

    await page.setViewportSize(SMALL_PHONE_VIEWPORT);
    expect(await portraitSize(page)).toEqual([129.6, 162]);
    const at360 = await numberLayout(page);
    expect([at360.lines, at360.past <= 0]).toEqual([1, true]);
    expect(await cutDates(page), 'at 360 px').toEqual([]);
    await screenshot(page, 'verifier-answer-valid-card-360');
    await page.setViewportSize({ width: 320, height: 640 });
    const at320 = await numberLayout(page);
    expect([at320.lines, at320.past <= 0]).toEqual([1, true]);
    // The app's name in the bar is whole beside its three buttons, down to 320 px.
    expect(await titleCut(page)).toEqual({ text: '亮证核验', cut: 0 });
    expect(await cutDates(page), 'at 320 px').toEqual([]);
    await screenshot(page, 'verifier-answer-valid-card-320');

    await page.click('#language');
    expect(await page.textContent('[data-field="points"]')).toBe('3');
    expect((await times(page)).filter((_, i) => i !== 1)).toEqual([
      'Verified at',
      'Code made at',
      chinaDateTime(made.getTime()),
      '(Beijing time)',
    ]);
    const en320 = await numberLayout(page);
    expect([en320.lines, en320.past <= 0]).toEqual([1, true]);
    expect(await titleCut(page)).toEqual({ text: 'Licence Check', cut: 0 });
    expect(await cutDates(page), 'in English at 320 px').toEqual([]);
    await screenshot(page, 'verifier-answer-valid-card-320-en');
    await page.setViewportSize(SMALL_PHONE_VIEWPORT);
    const en360 = await numberLayout(page);
    expect([en360.lines, en360.past <= 0]).toEqual([1, true]);
    expect(await cutDates(page), 'in English at 360 px').toEqual([]);
    await screenshot(page, 'verifier-answer-valid-card-360-en');
    await page.context().close();
  });

  it('when the licence was suspended after the credential was signed (status A in it), then red 驾驶证已暂扣 and no 签发时状态 row, no bare status letter on the card', async () => {
    for (const viewport of [PHONE_VIEWPORT, SMALL_PHONE_VIEWPORT]) {
      const page = await openApp(viewport);
      expect(await pick(page, await code('suspended'), 1)).toEqual({
        tone: 'invalid',
        code: 'ERR_SUSPENDED',
        kicker: UI.kickerInvalid.zh,
        text: REASONS.ERR_SUSPENDED.zh,
      });
      expect(await page.locator('[data-field="status"]').count()).toBe(0);
      const words = await page.locator('.card dd').allTextContents();
      expect(words.filter((w) => /^[A-Z]( |$)/.test(w))).toEqual([]);
      expect(await page.textContent('#announce')).toBe(
        `${UI.kickerInvalid.zh}：${REASONS.ERR_SUSPENDED.zh}`,
      );
      await screenshot(page, `verifier-answer-suspended-${viewport.width}`);
      await page.context().close();
    }
  });

  it('when the code was signed with status H (违法未处理) and the headline can only say 状态异常, then the card says 签发时状态 违法未处理 in words', async () => {
    const page = await openApp();
    expect(await pick(page, await code('status-h'), 1)).toEqual({
      tone: 'invalid',
      code: 'ERR_LICENCE_NOT_VALID',
      kicker: UI.kickerInvalid.zh,
      text: REASONS.ERR_LICENCE_NOT_VALID.zh,
    });
    expect(await page.textContent('[data-field="status"]')).toBe('违法未处理');
    await page.locator('[data-field="status"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'verifier-answer-status-h');
    await page.click('#language');
    expect(await page.textContent('[data-field="status"]')).toBe('violation unprocessed');
    await page.context().close();
  });

  it('when no status list could be fetched (the issuer never answered for one), then amber, and the card says 签发时状态 正常 as the best known', async () => {
    const page = await openApp(SMALL_PHONE_VIEWPORT, { noLists: true });
    expect(await pick(page, await code('unchecked'), 1)).toEqual({
      tone: 'warning',
      code: 'WARN_STATUS_UNCHECKED',
      kicker: UI.kickerWarning.zh,
      text: VALID_WITH_WARNINGS.zh,
    });
    expect(await page.textContent('[data-field="status"]')).toBe('正常');
    expect(await page.textContent('#announce')).toBe(
      `${UI.kickerWarning.zh}：${VALID_WITH_WARNINGS.zh}。${REASONS.WARN_STATUS_UNCHECKED.zh}`,
    );
    await screenshot(page, 'verifier-answer-unchecked-360');
    await page.context().close();
  });

  it('when a WeChat payment code, a web address or a verifier’s request is scanned, then a neutral answer in words (not a red verdict), nothing in the history; a damaged e-licence code is still red', async () => {
    const page = await openApp();
    const red = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue('--invalid').trim(),
    );
    expect(red).toBe('#b3261e');
    expect(await pick(page, 'wxp://f2f0Xk3c9pQmT8v', 1)).toEqual({
      tone: 'none',
      code: 'other',
      kicker: UI.kickerNone.zh,
      text: '不是电子驾驶证二维码',
    });
    expect(await page.textContent('#verdict-hint')).toBe(
      '请重新扫描持证人手机上的电子驾驶证二维码',
    );
    const look = await page
      .locator('#verdict')
      .evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);
    expect(look).toEqual(['rgb(75, 85, 99)', 'rgb(255, 255, 255)']);
    expect(await page.locator('.card, .checks').count()).toBe(0);
    expect(await page.textContent('#announce')).toBe(
      '不是电子驾驶证二维码。请重新扫描持证人手机上的电子驾驶证二维码',
    );
    await screenshot(page, 'verifier-answer-not-licence');
    await page.setViewportSize(SMALL_PHONE_VIEWPORT);
    await screenshot(page, 'verifier-answer-not-licence-360');
    await page.setViewportSize(PHONE_VIEWPORT);

    await page.click('#scan-next');
    expect((await pick(page, 'https://qr.alipay.com/fkx19876', 2)).tone).toBe('none');
    await page.click('#scan-next');
    expect(await pick(page, 'LZQ1:3141592653', 3)).toEqual({
      tone: 'none',
      code: 'request',
      kicker: UI.kickerNone.zh,
      text: '这是核验方的请求码，不是电子驾驶证二维码',
    });
    await page.click('#language');
    expect(await page.textContent('#verdict-text')).toBe(
      "This is a verifier's request, not an electronic driving licence code",
    );
    expect(await page.textContent('#verdict-hint')).toBe(
      "Scan again: the e\u2011licence code on the holder's phone",
    );
    await page.click('#language');

    // Starts like an e-licence code: judged, and refused in red.
    await page.click('#scan-next');
    expect(await pick(page, 'LZ2:12345', 4)).toEqual({
      tone: 'invalid',
      code: 'ERR_MALFORMED',
      kicker: UI.kickerInvalid.zh,
      text: REASONS.ERR_MALFORMED.zh,
    });
    await page.click('#open-history');
    const entries = page.locator('#history-list li');
    await expect.poll(() => entries.count()).toBe(1);
    expect(await entries.first().getAttribute('data-code')).toBe('ERR_MALFORMED');
    await page.context().close();
  });
});
