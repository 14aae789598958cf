/*
 * WCAG 2.2 AA on every screen the three apps have that a test can reach, checked with axe-core
 * in Debian's Chromium (axe.ts): the start page; the police app's scan screen, each kind of
 * answer (green, amber, red, an age result, a code that is not an e-licence code), the history,
 * the settings and the request screen; the driver's app from sign-in to the QR, the inbox, the
 * record of codes shown, the photo change and the password reset; the console's sign-in, queue,
 * application and decision. Each screen must have no finding of moderate impact or worse (the
 * serious and critical ones of WCAG, and the landmark and heading-order ones the apps were found
 * with). Every answer of the police app is said through its live region; old data is said in
 * words, not by the strip's colour alone. A screen photographed (at 390×844 and 360×740) is
 * checked by screenshot() itself; the others are checked here by name. Every other browser test's
 * screenshots are checked the same way.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../issuer/accounts/password.js';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { webAppDir } from '../../issuer/web-apps.js';
import { renderQrPng } from '../../shared/node/qr-png.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { signVerifierCertificate } from '../../shared/request/certificate.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';
import { REASONS, VALID, VALID_WITH_WARNINGS } from '../../verifier/internal/messages.js';
import { UI } from '../../verifier/web/app-messages.js';
import { loadTestKeys } from '../helpers/presentation-kit.js';
import { lastCode } from '../issuer/enrol.js';
import {
  addDevice,
  insertLicence,
  issue,
  newDriver,
  newStaff,
  syntheticLicence,
  type TestDevice,
} from '../issuer/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import { portraitJpeg } from '../issuer/photos.js';
import { expectNoSeriousViolations, focusShownOn } from './axe.js';
import {
  BROWSER_AVAILABLE,
  launchBrowser,
  newPhonePage,
  PHONE_VIEWPORT,
  screenshot,
  SMALL_PHONE_VIEWPORT,
} from './browser.js';
import { deviceTokenFor } from '../helpers/device-token.js';

const PASSWORD = 'correct-horse-battery';
const TOKEN = deviceTokenFor('verifier-device-token-a11y');

/** A holder's phone: its copy and device key. */
interface Holder {
  readonly copy: string;
  readonly device: TestDevice;
  readonly licence: LicenceRecord;
}

describe.skipIf(!BROWSER_AVAILABLE)('accessibility of every screen', { timeout: 240_000 }, () => {
  let service: TestService;
  let browser: Browser;
  let work: string;
  let clockSync: NodeJS.Timeout;
  let serial = 9900;
  const holders = new Map<string, Holder>();

  beforeAll(async () => {
    if (
      VERIFIER_APP_DIR === undefined ||
      webAppDir('app') === undefined ||
      webAppDir('console') === undefined
    )
      throw new Error('the web apps are not built: run `npm run build` first');
    // One loopback address signs in every phone and every member of staff.
    service = await startService('sqlite', { env: { SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' } });
    // The harness's clock stands still; here it follows the real one, as the browsers' do.
    clockSync = setInterval(() => {
      service.advance(Math.floor(Date.now() / 1000) - service.now());
    }, 500);
    work = await mkdtemp(join(tmpdir(), 'lz-a11y-'));
    browser = await launchBrowser();
    // Issued before the first status list is signed (see verifier-app.test.ts).
    for (const name of ['valid', 'amber', 'suspended', 'age']) {
      const licence = syntheticLicence(serial++);
      const driver = await newDriver(service, licence);
      const device = await addDevice(driver);
      holders.set(name, { copy: (await issue(driver, device)).holderCopy, device, licence });
    }
    const admin = await newStaff(service, 'admin');
    const suspended = holders.get('suspended')?.licence.licenceNumber ?? '';
    expect((await admin.post(`/api/registry/licences/${suspended}/suspend`, {})).status).toBe(200);
  }, 90_000);

  afterAll(async () => {
    clearInterval(clockSync);
    await browser.close();
    await service.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A phone, under the apps' own content security policies. */
  async function phone(viewport: { width: number; height: number } = PHONE_VIEWPORT) {
    return newPhonePage(browser, { origin: service.url, viewport });
  }

  /** Screenshots of what is in view at 390×844 and at 360×740, back at 390 after. */
  async function shots(page: Page, name: string): Promise<void> {
    await screenshot(page, `a11y-${name}`);
    await page.setViewportSize(SMALL_PHONE_VIEWPORT);
    await screenshot(page, `a11y-${name}-360`);
    await page.setViewportSize(PHONE_VIEWPORT);
  }

  /** A fresh code of holder `name`. */
  function code(name: string, purpose?: 'age'): Promise<string> {
    const found = holders.get(name);
    if (found === undefined) throw new Error(`no holder ${name}`);
    return createPresentationV2(found.copy, found.device.signer, {
      now: new Date(),
      ...(purpose === undefined ? {} : { purpose }),
    });
  }

  let picked = 0;
  /** Picks an image of `text`'s QR in the police app and waits for answer `n`. */
  async function pick(page: Page, text: string, n: number): Promise<string | null> {
    const png = join(work, `pick-${++picked}.png`);
    await writeFile(png, await renderQrPng(text, 4));
    await page.setInputFiles('#pick-image', png);
    await page.waitForFunction((k) => Number(document.body.dataset.verdicts ?? '0') >= k, n, {
      timeout: 20_000,
    });
    return page.locator('#verdict').getAttribute('data-tone');
  }

  /** What the police app's live region says now. */
  function announced(page: Page): Promise<string | null> {
    return page.locator('#announce').textContent();
  }

  it('when the start page is opened, then it has no finding, and its style applies under its own policy', async () => {
    const { context, page } = await phone();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) refused.push(message.text());
    });
    // Its own policy enforced (not bypassed) for the style check.
    const strict = await newPhonePage(browser, { origin: service.url });
    await strict.page.goto('/');
    expect(
      await strict.page
        .locator('a')
        .first()
        .evaluate((a) => getComputedStyle(a).borderRadius),
    ).toBe('12px');
    await strict.context.close();
    await page.goto('/');
    expect(await page.locator('a').allTextContents()).toEqual([
      '亮证（驾驶人）申领电子驾驶证，向交警或他人出示Liangzheng for drivers: Apply for the e\u2011licence and show it',
      '亮证核验（交警）扫描出示码，核验电子驾驶证Licence Check for officers: Scan a code and verify the e\u2011licence',
      '工作人员控制台照片审核，驾驶证、账号与设备管理Staff console: Photo review; licences, accounts and devices',
    ]);
    await shots(page, 'start-page');
    expect(refused).toEqual([]);
    await context.close();
  });

  it('when every screen of the police app is opened, then none has a finding; each answer is said to a screen reader', async () => {
    const { context, page } = await phone();
    await page.route('**/api/verifier/certificate', async (route) => {
      const request = route.request();
      if (request.headers().authorization !== `Bearer ${TOKEN}`) {
        await route.fulfill({ status: 401, json: { error: 'unauthorised' } });
        return;
      }
      const { publicKey } = request.postDataJSON() as { publicKey: string };
      const now = Math.floor(Date.now() / 1000);
      const certificate = await signVerifierCertificate(
        {
          iss: service.url,
          iat: now,
          nbf: now,
          exp: now + 30 * 86_400,
          jti: 'a11y-cert-0000001',
          holderKey: publicKey,
          status: { idx: 0, uri: `${service.url}/status/verifiers/1` },
          org: '市公安局交通警察支队',
          role: 'police',
          may: [0, 1, 2, 3, 4, 5],
        },
        loadTestKeys().issuer,
      );
      await route.fulfill({
        json: {
          certificate,
          expiresAt: new Date((now + 30 * 86_400) * 1000).toISOString(),
          statusUri: `${service.url}/status/verifiers/1`,
        },
      });
    });
    await page.goto('/verifier/');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    // The live region is there from the start, empty, read as a whole.
    expect(
      await page
        .locator('#announce')
        .evaluate((e) => [
          e.getAttribute('aria-live'),
          e.getAttribute('aria-atomic'),
          e.textContent,
        ]),
    ).toEqual(['assertive', 'true', '']);
    // The language button's name is what it shows (WCAG 2.5.3).
    expect(
      await page
        .locator('#language')
        .evaluate((b) => [b.textContent, b.getAttribute('aria-label'), b.getAttribute('lang')]),
    ).toEqual(['EN', null, 'en']);
    await shots(page, 'verifier-scan');
    // 选择图片 is a hidden file input in a label: the label shows the keyboard's focus.
    expect(await focusShownOn(page, '#pick-image')).toBe('label: outline solid 3px');

    expect(await pick(page, await code('valid'), 1)).toBe('valid');
    expect(await announced(page)).toBe(`${UI.kickerValid.zh}：${VALID.zh}`);
    // The scan screen behind the answer is out of reach of keys and screen readers.
    expect(await page.locator('#scan-view').evaluate((e) => (e as HTMLElement).inert)).toBe(true);
    await expectNoSeriousViolations(page, 'police: green', 'moderate');
    await page.click('#scan-next');
    expect(await page.locator('#scan-view').evaluate((e) => (e as HTMLElement).inert)).toBe(false);

    expect(await pick(page, await code('suspended'), 2)).toBe('invalid');
    expect(await announced(page)).toBe(`${UI.kickerInvalid.zh}：${REASONS.ERR_SUSPENDED.zh}`);
    await expectNoSeriousViolations(page, 'police: red', 'moderate');
    await page.click('#scan-next');

    expect(await pick(page, await code('age', 'age'), 3)).toBe('valid');
    await expectNoSeriousViolations(page, 'police: age result', 'moderate');
    await page.click('#scan-next');

    expect(await pick(page, 'wxp://f2f0Xk3c9pQmT8v', 4)).toBe('none');
    expect(await announced(page)).toBe(`${UI.notLicence.zh}。${UI.scanAgainHint.zh}`);
    await expectNoSeriousViolations(page, 'police: not an e-licence code', 'moderate');
    await page.click('#scan-next');

    await page.click('#open-history');
    await page.locator('#history-list').waitFor();
    await shots(page, 'verifier-history');
    await page.click('#history-back');

    await page.click('#open-settings');
    await page.fill('#setting-token', TOKEN);
    await page.click('#settings-save');
    await page.waitForSelector('#identity[data-state="enrolled"]', { timeout: 20_000 });
    await shots(page, 'verifier-settings');
    // 扫码填入: the camera open under the token field, its words and 取消扫码 with it.
    await page.click('#token-scan-open');
    await expect.poll(() => page.textContent('#token-scan-hint')).toBe(UI.tokenScanHint.zh);
    await shots(page, 'verifier-settings-token-scan');
    await page.click('#token-scan-cancel');
    // Back to the last answer, then to the camera, where the request is opened.
    await page.click('#settings-back');
    await page.click('#scan-next');
    await page.click('#open-request');
    await page.waitForFunction(() => document.getElementById('request-qr')?.dataset.request, {
      timeout: 10_000,
    });
    await shots(page, 'verifier-request');
    await page.click('#request-custom');
    await expectNoSeriousViolations(page, 'police: custom request', 'moderate');
    await page.click('#request-direct');

    // In English, the same screens. The last answer's words, said in Chinese, do not stay in the
    // live region of an English page.
    await page.click('#language');
    expect(await page.locator('#language').textContent()).toBe('中文');
    expect(await announced(page)).toBe('');
    await shots(page, 'verifier-scan-en');
    await context.close();
  });

  it('when the police app has no keys or status list (both refused), then the strip says 需更新 in words and the answer is amber, said as such', async () => {
    const { context, page } = await phone(SMALL_PHONE_VIEWPORT);
    await page.route(/\/status(\/|$)/, (route) => route.abort());
    await page.route('**/.well-known/jwks.json', (route) => route.abort());
    await page.goto('/verifier/');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await page.locator('.strip').getAttribute('class')).toBe('strip stale');
    expect(await page.locator('#refresh').textContent()).toBe(UI.refreshStale.zh);
    await screenshot(page, 'a11y-verifier-stale-360');
    // Keys back, the list still refused: the verdict rests on no list, amber.
    await page.unroute('**/.well-known/jwks.json');
    await page.click('#refresh');
    await expect.poll(() => page.locator('#refresh').textContent()).toBe(UI.refresh.zh);
    expect(await pick(page, await code('amber'), 1)).toBe('warning');
    expect(await announced(page)).toBe(
      `${UI.kickerWarning.zh}：${VALID_WITH_WARNINGS.zh}。${REASONS.WARN_STATUS_UNCHECKED.zh}`,
    );
    await expectNoSeriousViolations(page, 'police: amber', 'moderate');
    await context.close();
  });

  /** A licence in the registry, with a stored photo when `photo` is given. */
  async function registryLicence(licence: LicenceRecord, photo?: Buffer): Promise<void> {
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
  }

  let phoneSerial = 0;
  /** Signs up through the app's forms, checking each screen, and binds the licence. */
  async function signUp(page: Page, licence: LicenceRecord, check: boolean): Promise<void> {
    const number = `137${String((phoneSerial += 1)).padStart(8, '0')}`;
    await page.goto('/app/');
    await page.locator('#sign-in').waitFor();
    if (check) await expectNoSeriousViolations(page, 'driver: sign-in', 'moderate');
    await page.getByRole('button', { name: '还没有账号？注册' }).click();
    await page.locator('#sign-up').waitFor();
    if (check) await expectNoSeriousViolations(page, 'driver: sign-up', 'moderate');
    await page.fill('#sign-up #licenceNumber', licence.licenceNumber);
    await page.fill('#sign-up #name', licence.name);
    await page.fill('#sign-up #phone', number);
    await page.fill('#sign-up #password', PASSWORD);
    await page.click('#sign-up button[type=submit]');
    await page.locator('#binding-code').waitFor();
    if (check) await expectNoSeriousViolations(page, 'driver: binding code', 'moderate');
    await page.fill('#binding-code #code', lastCode(service, number));
    await page.click('#binding-code button[type=submit]');
    await page.locator('#start-check').waitFor();
    if (check) await expectNoSeriousViolations(page, 'driver: real-person check', 'moderate');
    await page.click('#start-check');
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    if (check) await expectNoSeriousViolations(page, 'driver: selfie camera', 'moderate');
    await page.click('#camera-take');
  }

  it('when every screen of the driver’s app and the console is opened, then none has a finding', async () => {
    // A licence with two classes: the card writes them as printed, A2D.
    const licence = { ...syntheticLicence(serial++), classes: ['D', 'A2'] } as LicenceRecord;
    await registryLicence(licence, await portraitJpeg(255, { seed: 5 }));
    const { context, page } = await phone();
    await signUp(page, licence, true);
    await page.locator('#path-stored').waitFor();
    await expectNoSeriousViolations(page, 'driver: paths', 'moderate');
    await page.click('#path-camera');
    await page.locator('#guidance').waitFor();
    await shots(page, 'app-guidance');
    await page.goto('/app/');
    await page.locator('#application-state').waitFor();
    await expectNoSeriousViolations(page, 'driver: application state', 'moderate');
    await page.getByRole('button', { name: '撤销申请' }).click();
    await page.click('#path-stored');
    await page.locator('#confirm-stored').waitFor();
    await shots(page, 'app-stored');
    await page.click('#confirm-stored');
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await page.click('#camera-take');
    await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#f-classes')).toBe('A2D');
    await shots(page, 'app-picker');
    await page.click('#purpose-custom');
    await page.locator('#custom-panel').waitFor();
    await expectNoSeriousViolations(page, 'driver: custom code', 'moderate');
    await page.click('#purpose-custom');
    await page.click('#purpose-police');
    await page.locator('#qr[data-presentation]').waitFor({ timeout: 20_000 });
    await expectNoSeriousViolations(page, 'driver: QR', 'moderate');
    await page.click('#change-purpose');
    await page.click('#scan-request');
    await page.locator('#scan-cancel').waitFor();
    await shots(page, 'app-scan-request');
    expect(await focusShownOn(page, '#scan-file')).toBe('label#scan-pick: outline solid 2px');
    await page.click('#scan-cancel');
    await page.click('#language');
    await page.locator('#purpose-picker').waitFor();
    await expectNoSeriousViolations(page, 'driver: licence (English)', 'moderate');
    await page.click('#language');
    await page.click('#open-inbox');
    await page.locator('#inbox').waitFor();
    await expectNoSeriousViolations(page, 'driver: messages', 'moderate');
    await page.goto('/app/');
    await page.click('#open-shown-log');
    await page.locator('#shown-log').waitFor();
    await expectNoSeriousViolations(page, 'driver: codes shown', 'moderate');
    await page.goto('/app/');
    await page.click('#change-photo');
    await page.locator('#photo-change-not-before').waitFor();
    await expectNoSeriousViolations(page, 'driver: photo change', 'moderate');
    await context.close();

    // The album path, through the console.
    const second = syntheticLicence(serial++);
    await registryLicence(second);
    const { context: albumContext, page: album } = await phone();
    await signUp(album, second, false);
    await album.click('#path-album');
    await album.locator('#guidance').waitFor();
    await expectNoSeriousViolations(album, 'driver: photo guidance (album)', 'moderate');
    expect(await focusShownOn(album, '#album-input')).toBe('label#open-album: outline solid 2px');
    const grey = join(work, 'grey.jpg');
    await writeFile(grey, await portraitJpeg(150));
    await album.setInputFiles('#album-input', grey);
    await album.click('#picture-use');
    await album.locator('#precheck-failures').waitFor();
    await expectNoSeriousViolations(album, 'driver: photo refused by the pre-check', 'moderate');
    const white = join(work, 'white.jpg');
    await writeFile(white, await portraitJpeg(255, { seed: 77 }));
    await album.setInputFiles('#album-input', white);
    await album.locator('#picture-check').waitFor();
    await expectNoSeriousViolations(
      album,
      'driver: album photo shown before it is sent',
      'moderate',
    );
    await album.click('#picture-use');
    await album.locator('#application-state').waitFor();
    await expectNoSeriousViolations(album, 'driver: photo sent, awaiting review', 'moderate');

    const username = 'reviewer-a11y';
    await service.deps.db.kysely
      .insertInto('staff')
      .values({
        username,
        role: 'reviewer',
        password_hash: await hashPassword(PASSWORD),
        created_at: service.now(),
      })
      .execute();
    const { context: deskContext, page: desk } = await phone();
    await desk.goto('/console/');
    await desk.locator('#username').waitFor();
    await expectNoSeriousViolations(desk, 'console: sign-in', 'moderate');
    await desk.fill('#username', username);
    await desk.fill('#password', PASSWORD);
    await desk.click('#sign-in button[type=submit]');
    await desk.locator('#queue').waitFor();
    await expectNoSeriousViolations(desk, 'console: queue', 'moderate');
    await desk.click('#queue .entry');
    await desk.locator('#photo').waitFor();
    await desk.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('#photo')?.naturalWidth ?? 0) > 0,
    );
    await expectNoSeriousViolations(desk, 'console: application', 'moderate');
    await desk.selectOption('#reject-reason', '背景不是白色或不均匀');
    await desk.click('#reject');
    await desk.locator('#confirm-decision').waitFor();
    await expectNoSeriousViolations(desk, 'console: confirm the decision', 'moderate');
    await desk.click('#confirm-decision');
    await desk.locator('#decided').waitFor();
    await expectNoSeriousViolations(desk, 'console: decided', 'moderate');
    await deskContext.close();

    await album.reload();
    await album.locator('#application-state .reason').waitFor();
    await expectNoSeriousViolations(album, 'driver: photo rejected', 'moderate');
    await albumContext.close();

    // The password reset, from the sign-in screen.
    const { context: resetContext, page: reset } = await phone();
    await reset.goto('/app/');
    await reset.click('#forgot-password');
    await reset.locator('#reset').waitFor();
    await expectNoSeriousViolations(reset, 'driver: password reset', 'moderate');
    await resetContext.close();
  });
});
