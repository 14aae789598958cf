/*
 * The verifier app that says who it is (issue 16) in Debian's Chromium, against the real issuer
 * service on loopback: with a device token it enrols its WebCrypto device key (the certificate
 * route answered here with a certificate the test authority key signs, as the service's route
 * does), shows a request QR that a holder's phone accepts, reads the holder's answer through the
 * fake camera (green, with only what was asked), refuses the same answer again as used, and in
 * the rental role never shows an ID number, even from a police code showing everything.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import QRCode from 'qrcode';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { demoPortrait } from '../../issuer/demo/demo-portrait.js';
import { setRegistryPhoto } from '../../issuer/portraits/set-registry-photo.js';
import { presentationSegments, QR_ERROR_CORRECTION } from '../../shared/qr.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import {
  signVerifierCertificate,
  type Role,
  type VerifierCertificate,
} from '../../shared/request/certificate.js';
import {
  REQUEST_MAX_AGE,
  verifyRequest,
  type VerifiedRequest,
} from '../../shared/request/request.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';
import { GROUP_WORDS, PURPOSE_WORDS } from '../../shared/sd/words.js';
import { nobleBackend } from '../../verifier/backends/noble.js';
import { REASONS, VALID } from '../../verifier/internal/messages.js';
import { createTrustStore } from '../../verifier/trust-store.js';
import { UI } from '../../verifier/web/app-messages.js';
import { loadTestKeys } from '../helpers/presentation-kit.js';
import {
  addDevice,
  issue,
  newDriver,
  newStaff,
  syntheticLicence,
  type TestDevice,
} from '../issuer/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import { expectNoSeriousViolations } from './axe.js';
import { BROWSER_AVAILABLE, launchBrowser, newPhonePage, screenshot } from './browser.js';
import { blankFrame, encodeY4m, qrFrame } from './y4m.js';
import { deviceTokenFor } from '../helpers/device-token.js';
import { openEnrolled } from './police-app.js';

// jsqr is CommonJS: under NodeNext its typed default export is the module object.
const jsQR = jsQRModule.default;
const keys = loadTestKeys();
const TOKEN = deviceTokenFor('verifier-device-token-0001');
const ORG: Readonly<Record<Role, string>> = {
  police: '市公安局交通警察支队',
  rental: '平安汽车租赁有限公司',
  insurance: '平安保险',
  employer: '某单位',
  age: '某商店',
};
const MAY: Readonly<Record<Role, readonly (0 | 1 | 2 | 3 | 4 | 5)[]>> = {
  police: [0, 1, 2, 3, 4, 5],
  rental: [0, 1],
  insurance: [0, 1],
  employer: [0, 1],
  age: [4, 5],
};

interface HolderV2 {
  readonly copy: string;
  readonly device: TestDevice;
  readonly licence: LicenceRecord;
}

describe.skipIf(!BROWSER_AVAILABLE)(
  'verifier app requests in Chromium',
  { timeout: 120_000 },
  () => {
    let service: TestService;
    let work: string;
    let serial = 9700;
    const browsers: Browser[] = [];
    const holders: HolderV2[] = [];
    /** The stored portrait of the first holder: the JPEG whose SHA-256 is its credential's ph. */
    let portraitBytes = Buffer.alloc(0);

    beforeAll(async () => {
      if (VERIFIER_APP_DIR === undefined)
        throw new Error('dist/web/verifier is missing: run `npm run build` first');
      service = await startService('sqlite');
      work = await mkdtemp(join(tmpdir(), 'lz-request-'));
      // Issued before any list is fetched (see verifier-app.test.ts).
      for (let i = 0; i < 2; i++) {
        const licence = syntheticLicence(serial++);
        const driver = await newDriver(service, licence);
        // The first with a registry photo: its credential carries the portrait's hash (ph).
        if (i === 0) {
          const { portraitHash } = await setRegistryPhoto(service.deps, {
            licenceNumber: licence.licenceNumber,
            bytes: await demoPortrait(7),
            actor: 'test',
          });
          portraitBytes = await service.deps.db.kysely
            .selectFrom('portraits')
            .select('photo')
            .where('hash', '=', portraitHash)
            .executeTakeFirstOrThrow()
            .then((r) => Buffer.from(r.photo));
        }
        const device = await addDevice(driver);
        const issued = await issue(driver, device);
        holders.push({ copy: issued.holderCopy, device, licence });
      }
    }, 90_000);

    afterEach(async () => {
      await Promise.all(browsers.splice(0).map((b) => b.close()));
    });

    afterAll(async () => {
      await service.close();
      await rm(work, { recursive: true, force: true });
    });

    /** Writes what the fake camera plays (read again at each start of the camera). */
    async function playOnCamera(path: string, text: string | undefined): Promise<void> {
      const frame = text === undefined ? blankFrame() : await qrFrame(text);
      await writeFile(path, encodeY4m([frame], 5));
    }

    /**
     * The app open on a phone of `width` px with the camera playing `path`, the certificate route
     * answering for `role`, and the device token saved; resolves once the device is enrolled.
     */
    async function enrolledApp(
      role: Role,
      camera: string,
      width = 390,
    ): Promise<{ page: Page; issued: string[] }> {
      const browser = await launchBrowser({ fakeCamera: camera });
      browsers.push(browser);
      const { page } = await newPhonePage(browser, { origin: service.url });
      await page.setViewportSize({ width, height: 844 });
      const issued: string[] = [];
      await page.route('**/api/verifier/certificate', async (route) => {
        const request = route.request();
        if (request.headers().authorization !== `Bearer ${TOKEN}`) {
          await route.fulfill({ status: 401, json: { error: 'unauthorised' } });
          return;
        }
        const { publicKey } = request.postDataJSON() as { publicKey: string };
        const now = Math.floor(Date.now() / 1000);
        const claims: VerifierCertificate = {
          iss: service.url,
          iat: now,
          nbf: now,
          exp: now + 30 * 86_400,
          jti: `browser-cert-${issued.length}-000001`,
          holderKey: publicKey,
          status: { idx: issued.length, uri: `${service.url}/status/verifiers/1` },
          org: ORG[role],
          role,
          may: MAY[role],
        };
        const certificate = await signVerifierCertificate(claims, keys.issuer);
        issued.push(certificate);
        await route.fulfill({
          json: {
            certificate,
            expiresAt: new Date(claims.exp * 1000).toISOString(),
            statusUri: claims.status.uri,
          },
        });
      });
      await openEnrolled(page, TOKEN);
      return { page, issued };
    }

    /** The request on screen: its text from the canvas's data, checked as a holder's phone does. */
    async function shownRequest(page: Page, notNonce?: string): Promise<VerifiedRequest> {
      await page.waitForFunction(
        (old) => {
          const c = document.getElementById('request-qr');
          return c?.dataset.request !== undefined && c.dataset.nonce !== old;
        },
        notNonce ?? '',
        { timeout: 10_000 },
      );
      const text = (await page.locator('#request-qr').getAttribute('data-request')) ?? '';
      return verifyRequest(text, {
        keys: createTrustStore([keys.issuerJwks], nobleBackend),
        now: new Date(),
      });
    }

    /** What the canvas shows, read as a camera would (jsQR over its pixels). */
    async function readCanvas(page: Page): Promise<string | undefined> {
      const image = await page.locator('#request-qr').evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height);
        return { width: canvas.width, height: canvas.height, data: [...(data?.data ?? [])] };
      });
      return jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data;
    }

    /**
     * Pixels of the request canvas that are not what its symbol says, pixel for pixel: each
     * module a square of whole pixels, dark ones in `dark`, light ones and the 4-module quiet
     * zone white. The canvas must be exactly as wide as modules × the scale.
     */
    async function offSymbol(page: Page, dark: readonly number[]): Promise<number> {
      const image = await page.locator('#request-qr').evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height);
        return { width: canvas.width, height: canvas.height, data: [...(data?.data ?? [])] };
      });
      const text = (await page.locator('#request-qr').getAttribute('data-request')) ?? '';
      const symbol = QRCode.create(presentationSegments(text), {
        errorCorrectionLevel: QR_ERROR_CORRECTION,
      });
      const size = symbol.modules.size;
      const scale = image.width / (size + 8);
      expect([Number.isInteger(scale), image.height]).toEqual([true, image.width]);
      let off = 0;
      for (let y = 0; y < image.height; y++)
        for (let x = 0; x < image.width; x++) {
          const mx = Math.floor(x / scale) - 4;
          const my = Math.floor(y / scale) - 4;
          const inside = mx >= 0 && my >= 0 && mx < size && my < size;
          const want = inside && symbol.modules.get(my, mx) !== 0 ? dark : [255, 255, 255];
          const at = (y * image.width + x) * 4;
          const got = image.data.slice(at, at + 4);
          if (got.join() !== [...want, 255].join()) off++;
        }
      return off;
    }

    async function verdict(page: Page, n: number) {
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

    it('when a police device shows a request for name and driving data, then the phone accepts it, the answer from the camera is green with only those, and the same answer again is refused as used', async () => {
      const camera = join(work, 'police.y4m');
      await playOnCamera(camera, undefined);
      const { page, issued } = await enrolledApp('police', camera);
      expect(issued).toHaveLength(1);
      expect(await page.locator('#identity-org').textContent()).toBe(ORG.police);
      expect(await page.locator('#identity-role').textContent()).toBe(PURPOSE_WORDS.police.zh);
      await screenshot(page, 'verifier-identity-390');
      await page.click('#settings-back');

      // The police scan directly by default; the request is an extra mode.
      expect(await page.locator('#scan-view').isVisible()).toBe(true);
      await page.click('#open-request');
      const own = await shownRequest(page);
      expect(own).toMatchObject({ org: ORG.police, role: 'police', purpose: 'police' });
      expect(own.groups).toEqual([0, 1, 2, 3, 4, 5]);
      const read = await readCanvas(page);
      expect(read).toBe(await page.locator('#request-qr').getAttribute('data-request'));
      expect(await offSymbol(page, [0, 0, 0])).toBe(0);
      // The time left counts down from the request's own time: five minutes less what has passed,
      // however long reading the canvas took. A tick on a loaded machine can come late, so the
      // test waits for the countdown to agree with the clock (a second either way for the tick)
      // rather than reading it once; a countdown from any other time never agrees.
      await page.waitForFunction(
        ({ iat, maxAge }) => {
          const left = Number(document.getElementById('request-left')?.dataset.seconds);
          const passed = Math.floor(Date.now() / 1000) - iat;
          return Math.abs(left - (maxAge - passed)) <= 1;
        },
        { iat: own.iat, maxAge: REQUEST_MAX_AGE },
        { timeout: 5_000 },
      );

      // Custom: name, photo and driving data only.
      await page.click('#request-custom');
      const all = await shownRequest(page, own.nonce);
      for (const group of ['identity', 'file', 'age_over_18', 'age_over_60']) {
        const before = all.nonce;
        await page.click(`#request-group-${group}`);
        await page.waitForFunction(
          (old) => document.getElementById('request-qr')?.dataset.nonce !== old,
          before,
        );
      }
      const request = await shownRequest(page, all.nonce);
      const requestText = await page.locator('#request-qr').getAttribute('data-request');
      expect(request).toMatchObject({ purpose: 'custom', groups: [0, 1] });
      expect(await page.locator('#request-asks').textContent()).toBe(
        `请求出示：${GROUP_WORDS.holder.zh}；${GROUP_WORDS.driving.zh}`,
      );
      await screenshot(page, 'verifier-request-390');

      const holder = holders[0] as HolderV2;
      const answer = await createPresentationV2(holder.copy, holder.device.signer, {
        now: new Date(),
        purpose: request.purpose,
        groups: request.groups,
        nonce: request.nonce,
        audience: request.audience,
      });
      await playOnCamera(camera, answer);
      // The portrait is asked for with the request the answer answers: the issuer can check an
      // answer only with it (test/issuer/portrait.test.ts). This device's certificates are the
      // test's, not the service's, so the issuer is played here: the portrait for exactly that.
      const asked: unknown[] = [];
      await page.route('**/api/verifier/portrait', async (route) => {
        asked.push(route.request().postDataJSON());
        await route.fulfill({ contentType: 'image/jpeg', body: portraitBytes });
      });
      await page.click('#request-scan');
      expect(await verdict(page, 1)).toEqual({ tone: 'valid', code: null, text: VALID.zh });
      // The portrait too: the answer names this device, so it is sent with the request it answers.
      await expect
        .poll(() => page.locator('#portrait').getAttribute('data-state'), { timeout: 10_000 })
        .toBe('shown');
      expect(asked).toEqual([{ presentation: answer, request: requestText }]);
      expect(await page.locator('[data-field="name"]').textContent()).toBe(holder.licence.name);
      expect(await page.locator('[data-field="licenceNumber"]').getAttribute('data-withheld')).toBe(
        'true',
      );
      expect(
        await page.locator('#verdict-partial .partial-groups').getAttribute('data-groups'),
      ).toBe('holder driving');
      await screenshot(page, 'verifier-answer-valid-390');

      // The same answer stays in front of the camera: scanned again, refused as used.
      await page.click('#scan-next');
      expect(await verdict(page, 2)).toEqual({
        tone: 'invalid',
        code: 'ERR_NONCE_USED',
        text: REASONS.ERR_NONCE_USED.zh,
      });
      expect(await page.locator('#answer-banner').isVisible()).toBe(true);
      await screenshot(page, 'verifier-answer-used-390');

      // Back to the request: used up, a new one on demand.
      await page.click('#verdict-request');
      expect(await page.locator('#request-left').getAttribute('data-state')).toBe('used');
      expect(await page.locator('#request-left').textContent()).toBe(UI.requestUsed.zh);
      // Used up: the same symbol, greyed.
      expect(await offSymbol(page, [0x9a, 0x9a, 0x9a])).toBe(0);
      await page.click('#request-new');
      const fresh = await shownRequest(page, request.nonce);
      expect(fresh.groups).toEqual([0, 1]);
      expect(await page.locator('#request-left').getAttribute('data-state')).toBe('active');
    });

    it('when a rental desk device at 360 px is shown a police code with everything, then it starts on its request, and the verdict and history show no ID number', async () => {
      const camera = join(work, 'rental.y4m');
      const holder = holders[1] as HolderV2;
      const police = await createPresentationV2(holder.copy, holder.device.signer, {
        now: new Date(),
        purpose: 'police',
      });
      await playOnCamera(camera, undefined);
      const { page } = await enrolledApp('rental', camera, 360);
      expect(await page.locator('#identity-role').textContent()).toBe(PURPOSE_WORDS.rental.zh);
      await screenshot(page, 'verifier-identity-rental-360');
      await page.click('#settings-back');
      // The request is the main way for a rental desk.
      const request = await shownRequest(page);
      expect(request).toMatchObject({ role: 'rental', purpose: 'rental', groups: [0, 1] });
      expect(await page.locator('#request-view').isVisible()).toBe(true);
      await screenshot(page, 'verifier-request-rental-360');

      // The camera starts again for the direct scan: now with the police code in front of it.
      await playOnCamera(camera, police);
      await page.click('#request-direct');
      expect(await verdict(page, 1)).toEqual({ tone: 'valid', code: null, text: VALID.zh });
      const body = (await page.locator('body').textContent()) ?? '';
      expect(body).not.toContain(holder.licence.licenceNumber);
      expect(body).not.toContain(holder.licence.address);
      expect(await page.locator('[data-field="licenceNumber"]').getAttribute('data-withheld')).toBe(
        'true',
      );
      expect(await page.locator('[data-field="name"]').textContent()).toBe(holder.licence.name);
      expect(await page.locator('#role-note').textContent()).toBe(
        `本机角色为${PURPOSE_WORDS.rental.zh}：只显示该角色可查看的项目`,
      );
      await screenshot(page, 'verifier-rental-police-code-360');
      await page.click('#open-history');
      const entry = page.locator('#history-list li');
      await expect.poll(() => entry.count()).toBe(1);
      expect(await entry.first().locator('.number').textContent()).toBe(UI.historyNotShown.zh);
      expect((await page.locator('#history-view').textContent()) ?? '').not.toContain(
        holder.licence.licenceNumber.slice(-4),
      );
    });

    it('when the request screen is opened while the camera is still opening, then the camera stays off; and when the scan screen comes back meanwhile, then the one camera opened reads the code', async () => {
      const camera = join(work, 'opening.y4m');
      await playOnCamera(camera, undefined);
      const { page } = await enrolledApp('police', camera);
      await page.click('#settings-back');
      await page.click('#open-request');
      await page.waitForSelector('#request-qr[data-request]');
      await page.waitForSelector('body[data-camera="off"]');
      // 直接扫码, then 出示请求 before the camera has opened (one task: it cannot have).
      await page.evaluate(() => {
        document.getElementById('request-direct')?.click();
        document.getElementById('open-request')?.click();
      });
      await page.waitForSelector('body[data-camera="off"]');
      expect(await page.locator('#request-qr[data-request]').count()).toBe(1);
      // Off: no stream left in the camera's video.
      expect(
        await page.evaluate(
          () => (document.getElementById('camera') as HTMLVideoElement).srcObject === null,
        ),
      ).toBe(true);
      // Scan, request, scan again in one task: two starts on the one video, the first undone.
      const holder = holders[0] as HolderV2;
      await playOnCamera(
        camera,
        await createPresentationV2(holder.copy, holder.device.signer, { now: new Date() }),
      );
      await page.evaluate(() => {
        document.getElementById('request-direct')?.click();
        document.getElementById('open-request')?.click();
        document.getElementById('request-direct')?.click();
      });
      expect(await verdict(page, 1)).toEqual({ tone: 'valid', code: null, text: VALID.zh });
      expect(await page.getAttribute('body', 'data-camera')).toBe('on');
      expect(await page.textContent('#scan-status')).toBe(UI.scanHint.zh);
    });

    it('when an admin revokes the police device after it enrolled, then after 更新 the request panel says in words that it may no longer ask (no QR), 设置 says it was revoked, and scanning directly still works', async () => {
      const admin = await newStaff(service, 'admin');
      const registered = await admin.post<{ id: number; token: string }>(
        '/api/admin/verifier-devices',
        { name: '卡口七号手持终端' },
      );
      expect(registered.status).toBe(201);
      const { id, token } = registered.body;
      // Its entry is on list 1, which the route-answered certificates of the cases before name
      // too; those cases are over by the time it is revoked.
      const camera = join(work, 'revoked.y4m');
      await playOnCamera(camera, undefined);
      const browser = await launchBrowser({ fakeCamera: camera });
      browsers.push(browser);
      const { page } = await newPhonePage(browser, { origin: service.url });
      const logged: string[] = [];
      page.on('console', (message) => logged.push(message.text()));
      // Enrolled with the service's own certificate route, as the device is in service.
      await openEnrolled(page, token);
      await page.click('#settings-back');
      await page.click('#open-request');
      // A request of the service's certificate (not the test authority's: shownRequest's keys).
      await page.waitForSelector('#request-qr[data-request][data-active="true"]');
      expect(await page.getAttribute('#request-from', 'data-role')).toBe('police');

      expect((await admin.post(`/api/admin/verifier-devices/${id}/revoke`, {})).status).toBe(200);
      await page.click('#refresh');
      const words = page.locator('#request-withdrawn');
      await words.waitFor({ timeout: 20_000 });
      expect(await words.textContent()).toBe(UI.requestRevoked.zh);
      expect(await words.getAttribute('data-standing')).toBe('revoked');
      expect(await page.locator('#request-qr').count()).toBe(0);
      expect(await page.locator('#request-scan').count()).toBe(0);
      await screenshot(page, 'verifier-request-revoked-390');
      await expectNoSeriousViolations(page, 'request, revoked');

      await page.click('#open-settings');
      await page.waitForSelector('#identity[data-state="revoked"]');
      expect(await page.textContent('#identity-withdrawn')).toBe(UI.identityRevoked.zh);
      expect(await page.locator('#identity-valid').count()).toBe(0);
      await screenshot(page, 'verifier-identity-revoked-390');
      await expectNoSeriousViolations(page, 'settings, revoked');
      await page.click('#language');
      await page.waitForSelector('#identity[data-state="revoked"]');
      expect(await page.textContent('#identity-withdrawn')).toBe(UI.identityRevoked.en);
      await page.click('#language');

      // Scanning directly does not need the certificate: a code in front of the camera is green.
      const holder = holders[0] as HolderV2;
      await playOnCamera(
        camera,
        await createPresentationV2(holder.copy, holder.device.signer, { now: new Date() }),
      );
      await page.click('#settings-back');
      await page.click('#open-request');
      await page.click('#request-direct');
      expect(await verdict(page, 1)).toEqual({ tone: 'valid', code: null, text: VALID.zh });
      expect(logged.filter((line) => line.includes(token))).toEqual([]);
    });
  },
);
