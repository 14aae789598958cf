/*
 * 扫码填入 in the police app's 设置, in Debian's Chromium against the real service on loopback
 * (SQLite): an admin registers a device in the staff console, and the police app's camera (the
 * fake camera playing a screenshot of the console's token QR) fills the token field with it; the
 * app enrols with it as with a typed token and shows the device's organisation and role. An
 * e-licence code in front of the camera is said not to be a device token and the field keeps
 * what it held. The token camera is released on cancel, on success and when 设置 is left; the
 * token is never on the console, in the history, or on screen as text.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../issuer/accounts/password.js';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { DEFAULT_POLICE_ORG } from '../../issuer/config.js';
import { isDeviceToken } from '../../shared/request/device-token.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';
import { PURPOSE_WORDS } from '../../shared/sd/words.js';
import { say } from '../../shared/web/i18n.js';
import { UI } from '../../verifier/web/app-messages.js';
import {
  addDevice,
  insertStaff,
  issue,
  newDriver,
  newStaff,
  syntheticLicence,
  type IssuedBody,
  type TestDevice,
} from '../issuer/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import { BROWSER_AVAILABLE, launchBrowser, newPhonePage, screenshot } from './browser.js';
import { keepStreams, liveTracks, streamStates } from './camera-streams.js';
import { blankFrame, centredFrame, decodePng, encodeY4m, qrFrame, type RgbaImage } from './y4m.js';

const PASSWORD = 'correct-horse-battery-staple';

describe.skipIf(!BROWSER_AVAILABLE)(
  'the police app takes its device token from the console’s QR',
  { timeout: 180_000 },
  () => {
    let service: TestService;
    let work: string;
    const admin = `admin.${randomBytes(3).toString('hex')}`;
    const browsers: Browser[] = [];
    /** A driver's phone with an e-licence, for a licence code in front of the camera. */
    let holder: { issued: IssuedBody; device: TestDevice };

    beforeAll(async () => {
      if (VERIFIER_APP_DIR === undefined)
        throw new Error('dist/web/verifier is missing: run `npm run build` first');
      service = await startService('sqlite');
      work = await mkdtemp(join(tmpdir(), 'lz-token-scan-'));
      await insertStaff(service.deps.db, service.now(), {
        username: admin,
        role: 'admin',
        passwordHash: await hashPassword(PASSWORD),
      });
      const driver = await newDriver(service, syntheticLicence(11_000));
      const device = await addDevice(driver);
      holder = { issued: await issue(driver, device), device };
    }, 90_000);

    afterEach(async () => {
      await Promise.all(browsers.splice(0).map((b) => b.close()));
    });

    afterAll(async () => {
      await service.close();
      await rm(work, { recursive: true, force: true });
    });

    /** Writes what the fake camera plays (read again at each start of the camera). */
    async function playOnCamera(path: string, frame: RgbaImage): Promise<void> {
      await writeFile(path, encodeY4m([frame], 5));
    }

    /**
     * The police app on a phone with `camera` as its camera, every stream it opens kept, what it
     * writes to the console collected; resolves once ready.
     */
    async function policeApp(camera: string): Promise<{ page: Page; logged: string[] }> {
      const browser = await launchBrowser({ fakeCamera: camera });
      browsers.push(browser);
      const { page } = await newPhonePage(browser, { origin: service.url });
      await page.addInitScript(keepStreams);
      const logged: string[] = [];
      page.on('console', (message) => logged.push(message.text()));
      await page.goto('/verifier/');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      return { page, logged };
    }

    /**
     * An admin registers a police device in the console: its token as the console shows it in
     * text, and a screenshot of the console's token QR.
     */
    async function registerInConsole(name: string): Promise<{ token: string; qr: RgbaImage }> {
      const browser = await launchBrowser();
      try {
        const { page: desk } = await newPhonePage(browser, { origin: service.url });
        await desk.goto('/console/');
        await desk.fill('#username', admin);
        await desk.fill('#password', PASSWORD);
        await desk.click('#sign-in button[type=submit]');
        await desk.locator('#sections').waitFor();
        await desk.click('#to-devices');
        await desk.locator('#device-register').waitFor();
        await desk.fill('#device-name', name);
        await desk.click('#device-register button[type=submit]');
        await desk.locator('#device-token').waitFor();
        expect(await desk.textContent('#device-token .hint')).toBe(
          '在核验应用（/verifier/，亮证核验）的「设置」中点「扫码填入」，对准此二维码即可填入并保存；也可在「设备令牌」中手动填入此令牌并保存。二维码的内容就是令牌原文。',
        );
        const token = (await desk.textContent('#device-token-text')) ?? '';
        const qr = decodePng(await desk.locator('#device-token-qr').screenshot());
        return { token, qr };
      } finally {
        await browser.close();
      }
    }

    it('when an admin registers a device in the console and the officer taps 扫码填入 before its QR, then the field holds the token, the camera is released, and the app shows the device’s organisation and role as after a typed token; the token is nowhere else', async () => {
      const { token, qr } = await registerInConsole('路口 3 号手持终端');
      expect(isDeviceToken(token)).toBe(true);
      const camera = join(work, 'journey.y4m');
      await playOnCamera(camera, blankFrame());
      const { page, logged } = await policeApp(camera);
      await expect.poll(() => liveTracks(page)).toBe(1);

      await page.click('#open-settings');
      expect(await page.inputValue('#setting-token')).toBe('');
      expect(await page.locator('#identity').getAttribute('data-state')).toBe('no-token');
      const open = page.locator('#token-scan-open');
      expect(await open.textContent()).toBe(UI.tokenScan.zh);
      // The button beside the field, both inside the phone's width.
      const field = await page.locator('#setting-token').boundingBox();
      const button = await open.boundingBox();
      expect(field).not.toBeNull();
      expect(button).not.toBeNull();
      if (field === null || button === null) return;
      expect(button.y).toBeCloseTo(field.y, -1);
      expect(button.x + button.width).toBeLessThanOrEqual(390);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        390,
      );

      // The camera now sees the console's screen.
      await playOnCamera(camera, centredFrame(qr));
      await open.click();
      await expect.poll(() => page.inputValue('#setting-token'), { timeout: 20_000 }).toBe(token);
      expect(await page.locator('#token-scan').isHidden()).toBe(true);
      expect(await liveTracks(page)).toBe(0);
      await page.waitForSelector('#identity[data-state="enrolled"]', { timeout: 20_000 });
      expect(await page.textContent('#identity-org')).toBe(DEFAULT_POLICE_ORG);
      expect(await page.textContent('#identity-role')).toBe(PURPOSE_WORDS.police.zh);
      expect(await page.textContent('#settings-message')).toBe(UI.tokenTaken.zh);
      expect(await page.textContent('#token-scan-message')).toBe('');
      await screenshot(page, 'verifier-token-scanned-390');

      // Kept as a saved field is: the app opened again has the token and its identity.
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      await page.click('#open-settings');
      expect(await page.inputValue('#setting-token')).toBe(token);
      expect(await page.textContent('#identity-org')).toBe(DEFAULT_POLICE_ORG);

      // Not in the history, not on screen as text, never written to the console.
      await page.click('#open-history');
      await page.locator('#history-empty').waitFor();
      expect(await page.locator('body').innerText()).not.toContain(token);
      expect(logged.filter((line) => line.includes(token))).toEqual([]);
    });

    it('when the camera sees the token of a device since revoked, then it fills the field and is saved, and 设置 says at once that the enrolment was refused, as for a typed token', async () => {
      const admin = await newStaff(service, 'admin');
      const registered = await admin.post<{ id: number; token: string }>(
        '/api/admin/verifier-devices',
        { name: '已停用手持终端' },
      );
      expect(registered.status).toBe(201);
      const { id, token } = registered.body;
      expect((await admin.post(`/api/admin/verifier-devices/${id}/revoke`, {})).status).toBe(200);
      const camera = join(work, 'revoked.y4m');
      await playOnCamera(camera, blankFrame());
      const { page } = await policeApp(camera);
      await page.click('#open-settings');
      await playOnCamera(camera, await qrFrame(token));
      await page.click('#token-scan-open');
      await expect.poll(() => page.inputValue('#setting-token'), { timeout: 20_000 }).toBe(token);
      expect(await liveTracks(page)).toBe(0);
      // The settings stay in view: the identity block says how the enrolment went.
      await page.waitForSelector('#identity[data-state="refused"]', { timeout: 20_000 });
      expect(await page.textContent('#identity p')).toBe(UI.identityRefused.zh);
      expect(await page.textContent('#settings-message')).toBe(UI.tokenTaken.zh);
    });

    it('when the camera sees an e-licence code instead, then 设置 says it is not a device token (in English too) and reads on, the field keeps what was typed, nothing is saved; cancel and leaving 设置 release the camera', async () => {
      const licenceCode = await createPresentationV2(
        holder.issued.holderCopy,
        holder.device.signer,
        {
          now: new Date(),
        },
      );
      const camera = join(work, 'licence.y4m');
      await playOnCamera(camera, blankFrame());
      const { page } = await policeApp(camera);
      await expect.poll(() => liveTracks(page)).toBe(1);
      await page.click('#open-settings');
      await page.fill('#setting-token', 'typed-by-hand');

      await playOnCamera(camera, await qrFrame(licenceCode));
      await page.click('#token-scan-open');
      const said = page.locator('#token-scan-message');
      await expect.poll(() => said.textContent(), { timeout: 20_000 }).toBe(UI.tokenNotLicence.zh);
      // Still reading: the camera box open, the scan screen's camera given way to it.
      expect(await page.locator('#token-scan').isVisible()).toBe(true);
      expect(await page.textContent('#token-scan-hint')).toBe(UI.tokenScanHint.zh);
      expect(await page.locator('#token-scan-open').isDisabled()).toBe(true);
      expect(await liveTracks(page)).toBe(1);
      expect(await page.inputValue('#setting-token')).toBe('typed-by-hand');
      expect(await page.textContent('#settings-message')).toBe('');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        390,
      );
      await screenshot(page, 'verifier-token-scan-not-token-390');

      await page.click('#token-scan-cancel');
      expect(await page.locator('#token-scan').isHidden()).toBe(true);
      expect(await liveTracks(page)).toBe(0);
      expect(await said.textContent()).toBe('');
      expect(await page.inputValue('#setting-token')).toBe('typed-by-hand');

      // In English, tried again: the same words in English, then 设置 left while it reads.
      await page.click('#language');
      expect(await page.textContent('#token-scan-open')).toBe(UI.tokenScan.en);
      await page.click('#token-scan-open');
      await expect
        .poll(() => said.textContent(), { timeout: 20_000 })
        .toBe(say(UI.tokenNotLicence, 'en'));
      expect(await page.locator('body').innerText()).not.toMatch(/\bERR_[A-Z_]+/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        390,
      );
      await screenshot(page, 'verifier-token-scan-not-token-en-390');
      expect(await liveTracks(page)).toBe(1);
      await playOnCamera(camera, blankFrame());
      await page.click('#settings-back');
      // The token camera released; the scan screen's own camera back (a new stream).
      await expect.poll(() => liveTracks(page)).toBe(1);
      expect(await streamStates(page)).toEqual([['ended'], ['ended'], ['ended'], ['live']]);

      // Nothing was saved, nothing verified: no verdict, an empty history.
      expect(await page.evaluate(() => document.body.dataset.verdicts)).toBeUndefined();
      await page.click('#open-history');
      await page.locator('#history-empty').waitFor();
      await page.click('#history-back');
      await page.click('#open-settings');
      expect(await page.inputValue('#setting-token')).toBe('');
    });

    it('when a token of the wrong shape is typed and saved, then 设置 names the token field in words, marks and focuses it, keeps nothing and asks the service nothing; the right token then saves', async () => {
      const admin = await newStaff(service, 'admin');
      const registered = await admin.post<{ token: string }>('/api/admin/verifier-devices', {
        name: '手输令牌终端',
      });
      expect(registered.status).toBe(201);
      const { token } = registered.body;
      const camera = join(work, 'typed.y4m');
      await playOnCamera(camera, blankFrame());
      const { page } = await policeApp(camera);
      const enrolments: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/verifier/')) enrolments.push(request.url());
      });
      await page.click('#open-settings');
      const field = page.locator('#setting-token');
      const message = page.locator('#settings-message');
      // Half a paste (one character short), then a token with a character base64url lacks.
      for (const typed of [token.slice(0, -1), `${token.slice(0, -1)}+`]) {
        await field.fill(typed);
        await page.click('#settings-save');
        await expect.poll(() => message.textContent()).toBe(UI.invalidToken.zh);
        expect(await field.getAttribute('aria-invalid')).toBe('true');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('setting-token');
      }
      await screenshot(page, 'verifier-settings-bad-token-390');
      expect(await page.locator('#identity').getAttribute('data-state')).toBe('no-token');
      await page.click('#language');
      await field.fill(token.slice(1));
      await page.click('#settings-save');
      await expect.poll(() => message.textContent()).toBe(UI.invalidToken.en);
      expect(await page.locator('body').innerText()).not.toMatch(/\bERR_[A-Z_]+/);
      await page.click('#language');
      // Nothing kept: the app opened again has no token.
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      await page.click('#open-settings');
      expect(await field.inputValue()).toBe('');
      expect(enrolments).toEqual([]);

      await field.fill(` ${token} `);
      await page.click('#settings-save');
      await expect.poll(() => message.textContent()).toBe(UI.saved.zh);
      expect(await field.getAttribute('aria-invalid')).toBeNull();
      await page.waitForSelector('#identity[data-state="enrolled"]', { timeout: 20_000 });
    });

    it('when 设置 is drawn again with unsaved input (the language switched, 离线准备 done), then what was typed stays in the form, unsaved', async () => {
      const camera = join(work, 'draft.y4m');
      await playOnCamera(camera, blankFrame());
      const { page } = await policeApp(camera);
      await page.click('#open-settings');
      const typed = { issuer: 'https://jtgl.example.cn', hours: '6', token: 'half-typed' };
      const form = async () => ({
        issuer: await page.inputValue('#setting-issuer'),
        hours: await page.inputValue('#setting-max-age'),
        token: await page.inputValue('#setting-token'),
        v1: await page.isChecked('#setting-accept-v1'),
      });
      await page.fill('#setting-issuer', typed.issuer);
      await page.fill('#setting-max-age', typed.hours);
      await page.fill('#setting-token', typed.token);
      await page.uncheck('#setting-accept-v1');
      await page.click('#language');
      expect(await page.textContent('#settings-save')).toBe(UI.save.en);
      expect(await form()).toEqual({ ...typed, v1: false });
      await page.click('#language');
      expect(await form()).toEqual({ ...typed, v1: false });
      await page.click('#offline-prepare');
      await page
        .locator('#offline-message', { hasText: UI.offlineDone.zh })
        .waitFor({ timeout: 20_000 });
      expect(await form()).toEqual({ ...typed, v1: false });
      // Unsaved: closed and opened again, 设置 shows what is kept.
      await page.click('#settings-back');
      await page.click('#open-settings');
      expect(await form()).toEqual({ issuer: '', hours: '24', token: '', v1: true });
    });
  },
);
