/*
 * 扫码出示 in a real browser: the driver's app keeps the authority's keys and the verifier status
 * lists while online, then reads a verifier's signed request through the camera (Chromium's fake
 * camera playing the request QR) or from a picked picture, shows who asks, in which role and for
 * what, and on 同意 shows the code answering that request, which verifies with the request and
 * discloses only what was asked. Requests it must refuse (beyond the role, an expired or revoked
 * certificate, an unknown authority, not a request) are refused with their words; offline, once
 * the keys were kept, the scan and the answer still work. Screenshots at 390 px in
 * artifacts/screenshots/. The desks' certificates are the service's own (an admin registers the
 * devices, they enrol their keys, one is revoked); the expired one and the unknown authority's
 * are signed here, as the service would not sign them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signer } from '../../shared/crypto-backend.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import { renderQrPng } from '../../shared/node/qr-png.js';
import {
  signVerifierCertificate,
  type VerifierCertificate,
} from '../../shared/request/certificate.js';
import { createRequest, REQUEST_MAX_AGE, verifyRequest } from '../../shared/request/request.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { createTrustStore } from '../../verifier/trust-store.js';
import { verifyPresentation } from '../../verifier/verify-presentation.js';
import { verifyStatusList } from '../../verifier/verify-status-list.js';
import { newStaff, type StaffClient } from '../issuer/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import { loadTestKeys } from '../helpers/presentation-kit.js';
import {
  BROWSER_AVAILABLE,
  launchBrowser,
  linesOf,
  newPhonePage,
  PHONE_VIEWPORT,
  screenshot,
  SMALL_PHONE_VIEWPORT,
} from './browser.js';
import { driverOnLicencePage as onLicencePage } from './driver-phone.js';
import { keepStreams, liveTracks, streamStates } from './camera-streams.js';
import { encodeY4m, qrFrame } from './y4m.js';
import { openEnrolled } from './police-app.js';

const ORG = '平安汽车租赁';
const keys = loadTestKeys();

/** A TCP port free on the loopback address a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

describe.skipIf(!BROWSER_AVAILABLE)(
  '扫码出示 on the driver’s phone in Chromium',
  { timeout: 120_000 },
  () => {
    let service: TestService;
    let origin: string;
    let browser: Browser;
    let workDir: string;
    let camera: string;
    let clockSync: NodeJS.Timeout;
    /** The rental desk's device key, and its certificate from the service. */
    let device: Signer;
    let rentalCert: string;
    /** Another desk's device, revoked by an admin after it enrolled, and its certificate. */
    let revokedDevice: Signer;
    let revokedCert: string;
    /** The service's verifier status list, as its certificates name it. */
    let listUri: string;
    let admin: StaffClient;

    beforeAll(async () => {
      // The service's public address is its own here, as in production: the verifier list index
      // names absolute URIs, which the phone fetches as they are.
      const port = await freePort();
      service = await startService('sqlite', {
        env: {
          SIGN_IN_ATTEMPTS_PER_MINUTE: '1000',
          PORT: String(port),
          PUBLIC_URL: `http://127.0.0.1:${port}`,
        },
      });
      expect(service.url).toBe(`http://127.0.0.1:${port}`);
      // The harness's clock stands still; here it follows the real one, as the browser's does.
      clockSync = setInterval(() => {
        service.advance(Math.floor(Date.now() / 1000) - service.now());
      }, 500);
      origin = service.url;
      // Two rental desks enrol their device keys; the second is revoked, as an admin does.
      admin = await newStaff(service, 'admin');
      const desk = async (name: string, key: Signer) => {
        const registered = await admin.post<{ id: number; token: string }>(
          '/api/admin/verifier-devices',
          { name, org: ORG, role: 'rental' },
        );
        expect(registered.status, registered.text).toBe(201);
        const enrolled = await fetch(`${origin}/api/verifier/certificate`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${registered.body.token}`,
          },
          body: JSON.stringify({ publicKey: key.publicJwk.x }),
        });
        expect(enrolled.status).toBe(200);
        const body = (await enrolled.json()) as { certificate: string; statusUri: string };
        return { id: registered.body.id, ...body };
      };
      device = createJwkSigner(generateKeyPair().privateJwk);
      revokedDevice = createJwkSigner(generateKeyPair().privateJwk);
      const first = await desk('Desk 1', device);
      const second = await desk('Desk 2', revokedDevice);
      rentalCert = first.certificate;
      revokedCert = second.certificate;
      listUri = first.statusUri;
      const revoked = await admin.post(`/api/admin/verifier-devices/${second.id}/revoke`);
      expect(revoked.status).toBe(200);
      workDir = await mkdtemp(join(tmpdir(), 'lz-scan-'));
      // The fake camera reads this file each time a capture starts: each scan writes its code.
      camera = join(workDir, 'camera.y4m');
      await writeFile(camera, encodeY4m([await qrFrame('nothing yet')], 5));
      browser = await launchBrowser({ fakeCamera: camera });
    });
    afterAll(async () => {
      clearInterval(clockSync);
      await browser.close();
      await service.close();
      await rm(workDir, { recursive: true, force: true });
    });

    /** A verifier certificate for the test device, signed by `signer` (the service's key). */
    async function certificate(
      over: Partial<VerifierCertificate> = {},
      signer: Pick<Signer, 'kid' | 'sign'> = service.deps.keys.current(),
    ): Promise<string> {
      const now = Math.floor(Date.now() / 1000);
      return signVerifierCertificate(
        {
          iss: origin,
          iat: now - 86_400,
          nbf: now - 86_400,
          exp: now + 365 * 86_400,
          jti: `cert-${String(Math.random()).slice(2, 18)}`,
          holderKey: device.publicJwk.x,
          status: { idx: 0, uri: listUri },
          org: ORG,
          role: 'rental',
          may: [0, 1],
          ...over,
        },
        signer,
      );
    }

    /** A driver signed up, bound and issued, on the licence page with the authority's keys kept. */
    const driverOnLicencePage = (serial: number) => onLicencePage(service, browser, serial);

    /** Scans `text` with the phone's camera (the fake camera plays it). */
    async function scanWithCamera(page: Page, text: string): Promise<void> {
      await writeFile(camera, encodeY4m([await qrFrame(text)], 5));
      await page.click('#scan-request');
      await page.locator('#scan-video').waitFor();
    }

    /** Scans `text` from a picked picture (a screenshot sent by a counter). */
    async function scanFromPicture(page: Page, text: string, name: string): Promise<void> {
      // The camera sees no code: what is read comes from the picture.
      const grey = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 4).fill(170) };
      await writeFile(camera, encodeY4m([grey], 5));
      await page.click('#scan-request');
      if (name === 'refuse') {
        await page.waitForFunction(
          () => (document.querySelector<HTMLVideoElement>('#scan-video')?.videoWidth ?? 0) > 0,
        );
        await screenshot(page, 'scan-00-scanner');
      }
      const png = join(workDir, `${name}.png`);
      await writeFile(png, await renderQrPng(text, 3));
      await page.setInputFiles('#scan-file', png);
    }

    /** The refusal's code and words once the phone refused. */
    async function refusalOf(page: Page): Promise<{ code: string | null; words: string | null }> {
      await page.locator('#request-refused').waitFor({ timeout: 20_000 });
      return {
        code: await page.getAttribute('#request-refused', 'data-code'),
        words: await page.textContent('#refused-reason'),
      };
    }

    /** The credential status list of the service, verified, for verifying a code as a verifier. */
    async function credentialLists() {
      const trust = createTrustStore(
        [await (await fetch(`${origin}/.well-known/jwks.json`)).json()],
        nodeBackend,
      );
      const list = verifyStatusList(await (await fetch(`${origin}/status/1`)).text(), trust);
      return { trust, statusLists: new Map([[list.uri, list]]) };
    }

    let driver: { context: BrowserContext; page: Page };

    it('when a rental desk’s request is scanned, then the phone names the desk, its role and what it asks, and on 同意 shows a code that answers it with only that', async () => {
      driver = await driverOnLicencePage(9301);
      const { page } = driver;
      expect(await page.textContent('#scan-request .purpose-name')).toBe('扫码出示');
      await screenshot(page, 'scan-01-picker');
      const cert = rentalCert;
      const request = await createRequest(cert, device, { now: new Date(), purpose: 'rental' });
      await scanWithCamera(page, request.text);
      await page.locator('#consent').waitFor({ timeout: 20_000 });
      expect(await page.textContent('#consent-org')).toBe(ORG);
      expect(await page.textContent('#consent-role')).toBe('租车');
      expect(await page.locator('#consent-groups li').allTextContents()).toEqual([
        '姓名、照片',
        '准驾车型、有效期限、驾驶证状态、记分',
      ]);
      expect(await page.textContent('#consent-valid')).toBe(
        '请求有效：核验方证书由发证机关签发，签名核验通过',
      );
      const until = (await page.textContent('#consent-until')) ?? '';
      expect(until).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）$/);
      // The time and （北京时间） are each kept on one line, at 390 px and at 360.
      for (const viewport of [PHONE_VIEWPORT, SMALL_PHONE_VIEWPORT]) {
        await page.setViewportSize(viewport);
        expect(await linesOf(page, '#consent-until', until.slice(0, 19))).toBe(1);
        expect(await linesOf(page, '#consent-until', '（北京时间）')).toBe(1);
      }
      await page.setViewportSize(PHONE_VIEWPORT);
      // The list kept says the certificate stands: no warning.
      expect(await page.locator('#consent-unchecked').count()).toBe(0);
      expect(await page.textContent('#consent-withheld')).toContain('身份证号');
      await screenshot(page, 'scan-02-consent');

      await page.click('#consent-agree');
      const qr = page.locator('#qr[data-presentation]');
      await qr.waitFor({ timeout: 20_000 });
      expect(await page.textContent('#purpose-label')).toBe(`${ORG} · 租车`);
      // The countdown is written by its first tick, just after the code is drawn.
      await page.locator('#qr-countdown', { hasText: /^请求剩余 \d+ 秒有效$/ }).waitFor();
      await screenshot(page, 'scan-03-answer');
      const text = (await qr.getAttribute('data-presentation')) ?? '';
      const mine = verifyRequest(request.text, {
        keys: createTrustStore(
          [await (await fetch(`${origin}/.well-known/jwks.json`)).json()],
          nodeBackend,
        ),
        now: new Date(),
      });
      const { trust, statusLists } = await credentialLists();
      const asked = { audience: mine.audience, nonce: request.nonce, iat: request.iat };
      const report = verifyPresentation(text, {
        trust,
        statusLists,
        now: new Date(),
        request: asked,
      });
      expect(report.valid, JSON.stringify(report.checks.filter((c) => c.status === 'FAILED'))).toBe(
        true,
      );
      expect(report.disclosure?.disclosed).toEqual(['holder', 'driving']);
      expect(report.licence?.address).toBeUndefined();
      expect(report.licence?.birthDate).toBeUndefined();
      // The same code to a device that asked another request: another nonce.
      const other = await createRequest(cert, device, { now: new Date(), purpose: 'rental' });
      const elsewhere = verifyPresentation(text, {
        trust,
        statusLists,
        now: new Date(),
        request: { ...asked, nonce: other.nonce },
      });
      expect(elsewhere.valid ? 'valid' : elsewhere.code).toBe('ERR_NONCE_MISMATCH');

      // The record names who asked.
      await page.click('#open-shown-log');
      await page.locator('#shown-log').waitFor();
      expect(await page.locator('.shown-entry').first().getAttribute('data-org')).toBe(ORG);
      expect(await page.locator('.shown-entry .shown-verifier').first().textContent()).toBe(
        `${ORG}（租车）`,
      );
      await screenshot(page, 'scan-04-shown-log');
      await page.click('#shown-log-back');
      await page.locator('#purpose-picker').waitFor();
    });

    it('when 拒绝 is pressed, then the picker is back and no code is shown', async () => {
      const { page } = driver;
      const request = await createRequest(rentalCert, device, {
        now: new Date(),
        purpose: 'rental',
      });
      await scanFromPicture(page, request.text, 'refuse');
      await page.locator('#consent').waitFor({ timeout: 20_000 });
      await page.click('#consent-refuse');
      await page.locator('#purpose-picker').waitFor();
      expect(await page.locator('#qr').count()).toBe(0);
    });

    it.each([
      {
        name: 'a rental desk asking for the ID number',
        shot: 'scan-05-beyond-role',
        make: async () =>
          (
            await createRequest(rentalCert, device, {
              now: new Date(),
              purpose: 'custom',
              groups: [0, 2],
            })
          ).text,
        code: 'ERR_REQUEST_BEYOND_ROLE',
        words: '请求超出该核验方的权限范围（索要了其身份不允许查看的信息），请勿出示',
      },
      {
        name: 'an expired certificate',
        shot: 'scan-06-cert-expired',
        make: async () => {
          const now = Math.floor(Date.now() / 1000);
          const cert = await certificate({
            iat: now - 400 * 86_400,
            nbf: now - 400 * 86_400,
            exp: now - 3600,
          });
          return (await createRequest(cert, device, { now: new Date(), purpose: 'rental' })).text;
        },
        code: 'ERR_REQUEST_CERT_EXPIRED',
        words: '核验方证书已过期，请对方更新证书',
      },
      {
        name: 'a revoked certificate',
        shot: 'scan-07-cert-revoked',
        make: async () =>
          (await createRequest(revokedCert, revokedDevice, { now: new Date(), purpose: 'rental' }))
            .text,
        code: 'ERR_REQUEST_CERT_REVOKED',
        words: '核验方证书已被吊销，请勿出示',
      },
      {
        name: 'a certificate of an unknown authority',
        shot: 'scan-08-unknown-authority',
        make: async () =>
          (
            await createRequest(await certificate({}, keys.otherIssuer), device, {
              now: new Date(),
              purpose: 'rental',
            })
          ).text,
        code: 'ERR_REQUEST_UNKNOWN_AUTHORITY',
        words: '核验方证书不是由发证机关签发的，请勿出示',
      },
      {
        name: 'a request signed by another device than the certificate’s',
        shot: 'scan-09-device-signature',
        make: async () =>
          (
            await createRequest(rentalCert, keys.otherHolder, {
              now: new Date(),
              purpose: 'rental',
            })
          ).text,
        code: 'ERR_REQUEST_SIGNATURE',
        words: '请求码签名无效：不是持证核验设备发出的，请勿出示',
      },
      {
        name: 'a web address',
        shot: 'scan-10-not-a-request',
        make: () => Promise.resolve('https://example.cn/'),
        code: 'ERR_REQUEST_NOT_A_REQUEST',
        words: '这不是核验方的请求码',
      },
    ])('when the phone scans $name, then it refuses with $code in words', async (c) => {
      const { page } = driver;
      await scanFromPicture(page, await c.make(), c.shot);
      const refused = await refusalOf(page);
      expect(refused).toEqual({ code: c.code, words: c.words });
      expect(await page.locator('#consent-agree').count()).toBe(0);
      expect(await page.locator('#request-refused').textContent()).not.toMatch(/ERR_/);
      await screenshot(page, c.shot);
      if (c.code === 'ERR_REQUEST_CERT_REVOKED') {
        // English on request: the same reason in English.
        await page.click('#language');
        await page.locator('#request-refused').waitFor();
        expect(await page.textContent('#refused-reason')).toBe(
          "The checker's certificate has been revoked: do not show your licence",
        );
        await screenshot(page, `${c.shot}-en`);
        await page.click('#language');
        await page.locator('#request-refused').waitFor();
      }
      await page.click('#refused-back');
      await page.locator('#purpose-picker').waitFor();
    });

    it('when the phone is offline after keeping the keys, then a request is still checked and answered', async () => {
      const { page, context } = driver;
      await context.setOffline(true);
      try {
        const request = await createRequest(rentalCert, device, {
          now: new Date(),
          purpose: 'rental',
        });
        await scanWithCamera(page, request.text);
        await page.locator('#consent').waitFor({ timeout: 20_000 });
        expect(await page.textContent('#consent-org')).toBe(ORG);
        await screenshot(page, 'scan-11-offline-consent');
        await page.click('#consent-agree');
        const text =
          (await page.locator('#qr[data-presentation]').getAttribute('data-presentation', {
            timeout: 20_000,
          })) ?? '';
        await screenshot(page, 'scan-12-offline-answer');
        const { trust, statusLists } = await credentialLists();
        const audience = verifyRequest(request.text, { keys: trust, now: new Date() }).audience;
        const report = verifyPresentation(text, {
          trust,
          statusLists,
          now: new Date(),
          request: { audience, nonce: request.nonce, iat: request.iat },
        });
        expect(report.valid ? 'valid' : report.code).toBe('valid');
        expect(report.disclosure?.disclosed).toEqual(['holder', 'driving']);
        await page.click('#change-purpose');
        await page.locator('#purpose-picker').waitFor();
      } finally {
        await context.setOffline(false);
      }
    });

    it('when the phone never kept the verifier lists, then it says the certificate’s status was not checked and still lets the driver answer', async () => {
      const { page, context } = driver;
      await context.setOffline(true);
      try {
        await page.evaluate(async () => {
          const db = await new Promise<IDBDatabase>((resolve) => {
            const r = indexedDB.open('lz-driver');
            r.onsuccess = () => {
              resolve(r.result);
            };
          });
          await new Promise<void>((resolve) => {
            const tx = db.transaction('kv', 'readwrite');
            tx.objectStore('kv').delete('verifierLists');
            tx.oncomplete = () => {
              resolve();
            };
          });
        });
        // Even a certificate revoked since: without a list the phone cannot know, and says so.
        const request = await createRequest(revokedCert, revokedDevice, {
          now: new Date(),
          purpose: 'rental',
        });
        await scanFromPicture(page, request.text, 'unchecked');
        await page.locator('#consent').waitFor({ timeout: 20_000 });
        expect(await page.textContent('#consent-unchecked')).toBe(
          '未能核对该核验方证书是否已被吊销（本机尚无最新名单，联网后会自动更新）。如有疑虑，可以拒绝。',
        );
        expect(await page.isEnabled('#consent-agree')).toBe(true);
        await screenshot(page, 'scan-13-status-unchecked');
        await page.click('#consent-refuse');
      } finally {
        await context.setOffline(false);
      }
    });

    /** A verifier device registered by the admin for the rental desk: its bearer token. */
    async function deskToken(name: string): Promise<string> {
      const registered = await admin.post<{ token: string }>('/api/admin/verifier-devices', {
        name,
        org: ORG,
        role: 'rental',
      });
      expect(registered.status, registered.text).toBe(201);
      return registered.body.token;
    }

    /** The police app on its own phone, its camera playing `cameraFile`, enrolled with `token`. */
    async function verifierApp(cameraFile: string, token: string) {
      const own = await launchBrowser({ fakeCamera: cameraFile });
      const { page } = await newPhonePage(own, { origin });
      await openEnrolled(page, token);
      await page.click('#settings-back');
      return { browser: own, page };
    }

    /** The desk's request read by the driver's phone, agreed to: the answer the phone shows. */
    async function answerDeskRequest(deskPage: Page): Promise<string> {
      const qr = deskPage.locator('#request-qr[data-request]');
      await qr.waitFor({ timeout: 20_000 });
      const requestText = (await qr.getAttribute('data-request')) ?? '';
      const { page } = driver;
      await scanWithCamera(page, requestText);
      await page.locator('#consent').waitFor({ timeout: 20_000 });
      expect(await page.textContent('#consent-org')).toBe(ORG);
      await page.click('#consent-agree');
      return (
        (await page.locator('#qr[data-presentation]').getAttribute('data-presentation', {
          timeout: 20_000,
        })) ?? ''
      );
    }

    async function verdictOf(page: Page, n: number) {
      await page.waitForFunction((k) => Number(document.body.dataset.verdicts ?? '0') >= k, n, {
        timeout: 20_000,
      });
      return page.evaluate(() => ({
        tone: document.getElementById('verdict')?.getAttribute('data-tone') ?? null,
        code: document.getElementById('verdict')?.getAttribute('data-code') ?? null,
      }));
    }

    it('when a rental desk’s verifier app shows its request, then the driver’s phone answers it and the desk reads the answer green with only name and driving data, once; another desk refuses it', async () => {
      const blank = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 4).fill(255) };
      const deskCamera = join(workDir, 'desk.y4m');
      await writeFile(deskCamera, encodeY4m([blank], 5));
      const desk = await verifierApp(deskCamera, await deskToken('Counter 1'));
      try {
        // A rental desk starts on its request.
        await desk.page.locator('#request-qr[data-request]').waitFor({ timeout: 20_000 });
        await screenshot(desk.page, 'scan-15-desk-request');
        const { page } = driver;
        const answer = await answerDeskRequest(desk.page);
        await screenshot(page, 'scan-16-driver-answers-desk');

        await writeFile(deskCamera, encodeY4m([await qrFrame(answer)], 5));
        await desk.page.click('#request-scan');
        expect(await verdictOf(desk.page, 1)).toEqual({ tone: 'valid', code: null });
        expect(
          await desk.page.locator('#verdict-partial .partial-groups').getAttribute('data-groups'),
        ).toBe('holder driving');
        expect(
          await desk.page.locator('[data-field="licenceNumber"]').getAttribute('data-withheld'),
        ).toBe('true');
        await screenshot(desk.page, 'scan-17-desk-answer-valid');
        // The same answer again in front of the same desk: used.
        await desk.page.click('#scan-next');
        expect(await verdictOf(desk.page, 2)).toEqual({ tone: 'invalid', code: 'ERR_NONCE_USED' });
        await screenshot(desk.page, 'scan-18-desk-answer-used');

        // Another desk's device, the same answer scanned directly: not its request.
        const otherCamera = join(workDir, 'other-desk.y4m');
        await writeFile(otherCamera, encodeY4m([blank], 5));
        const other = await verifierApp(otherCamera, await deskToken('Counter 2'));
        try {
          await other.page.locator('#request-qr[data-request]').waitFor({ timeout: 20_000 });
          await writeFile(otherCamera, encodeY4m([await qrFrame(answer)], 5));
          await other.page.click('#request-scan');
          const refused = await verdictOf(other.page, 1);
          // It shows its own request: the answer carries another request's nonce.
          expect(refused).toEqual({ tone: 'invalid', code: 'ERR_NONCE_MISMATCH' });
          await screenshot(other.page, 'scan-19-other-desk-refuses');
        } finally {
          await other.browser.close();
        }
        await page.click('#change-purpose');
      } finally {
        await desk.browser.close();
      }
    });

    it('when both phones are offline after the desk’s 离线准备, then the request, the consent and the answer all work and the desk reads the answer green', async () => {
      const blank = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 4).fill(255) };
      const deskCamera = join(workDir, 'offline-desk.y4m');
      await writeFile(deskCamera, encodeY4m([blank], 5));
      const desk = await verifierApp(deskCamera, await deskToken('Counter 3'));
      const { page, context } = driver;
      try {
        // Before the shift, online: the desk downloads every status list of the authority.
        await desk.page.click('#open-settings');
        await desk.page.click('#offline-prepare');
        await desk.page
          .locator('#offline-message', { hasText: '已更新，可以离线使用。' })
          .waitFor({ timeout: 20_000 });
        const held = Number(await desk.page.getAttribute('#offline-data', 'data-lists'));
        expect(held).toBeGreaterThan(0);
        expect(await desk.page.textContent('#offline-held')).toMatch(
          new RegExp(
            `^本机已存 ${held} 个状态列表，共 \\d+ (B|KB)，最早一个更新于(刚刚|\\d+ 分钟前)。`,
          ),
        );
        await screenshot(desk.page, 'scan-20-desk-offline-ready');
        await desk.page.click('#settings-back');

        // Then both phones lose the network.
        await desk.page.context().setOffline(true);
        await context.setOffline(true);
        const answer = await answerDeskRequest(desk.page);
        await writeFile(deskCamera, encodeY4m([await qrFrame(answer)], 5));
        await desk.page.click('#request-scan');
        expect(await verdictOf(desk.page, 1)).toEqual({ tone: 'valid', code: null });
        expect(
          await desk.page.locator('#verdict-partial .partial-groups').getAttribute('data-groups'),
        ).toBe('holder driving');
        expect(await desk.page.getAttribute('#data-status', 'data-list-age')).not.toBe('');
        await screenshot(desk.page, 'scan-21-desk-offline-answer-valid');
        // Offline too, the same answer again is refused: the nonce is used.
        await desk.page.click('#scan-next');
        expect(await verdictOf(desk.page, 2)).toEqual({ tone: 'invalid', code: 'ERR_NONCE_USED' });
        await page.click('#change-purpose');
      } finally {
        await context.setOffline(false);
        await desk.browser.close();
      }
    });

    it('when the licence page is drawn again while the scanner opens (the network dropping as 扫码出示 is tapped), then one scanner runs, it reads the request, and no camera is left on', async () => {
      const { context, page } = await driverOnLicencePage(9390);
      try {
        // Every camera stream the page opens is kept, to count those left on.
        await context.addInitScript(keepStreams);
        await page.reload();
        await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
        const request = await createRequest(rentalCert, device, {
          now: new Date(),
          purpose: 'rental',
        });
        await writeFile(camera, encodeY4m([await qrFrame(request.text)], 5));
        // The tap and the network's change in one task: the page's redraw starts while the
        // scanner it replaces is still opening its camera.
        await page.evaluate(() => {
          document.querySelector<HTMLButtonElement>('#scan-request')?.click();
          window.dispatchEvent(new Event('offline'));
        });
        await page.locator('#consent').waitFor({ timeout: 20_000 });
        expect(await page.textContent('#consent-org')).toBe(ORG);
        await expect.poll(() => liveTracks(page)).toBe(0);
        // Time for a scanner left behind to read the code and draw over the consent.
        await page.waitForTimeout(1500);
        expect(await liveTracks(page)).toBe(0);
        expect(await page.locator('#consent').count()).toBe(1);
        expect(await page.locator('#scan-video').count()).toBe(0);
      } finally {
        await context.close();
      }
    });

    it('when the driver leaves the licence page while the scanner’s camera is still opening (a slow permission prompt), then no camera is left on', async () => {
      const { context, page } = await driverOnLicencePage(9391);
      try {
        await context.addInitScript(keepStreams);
        // The camera answers a second late, as a phone does while it asks for permission.
        await context.addInitScript(() => {
          const media = navigator.mediaDevices;
          const open = media.getUserMedia.bind(media);
          media.getUserMedia = async (constraints) => {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            return open(constraints);
          };
        });
        await page.reload();
        await page.locator('#purpose-picker').waitFor({ timeout: 20_000 });
        await page.click('#scan-request');
        await page.locator('#scan-video').waitFor({ state: 'attached' });
        await page.click('#open-inbox');
        await page.locator('#licence-card').waitFor({ state: 'detached' });
        await expect.poll(() => streamStates(page), { timeout: 10_000 }).toHaveLength(1);
        await expect.poll(() => liveTracks(page)).toBe(0);
      } finally {
        await context.close();
      }
    });

    // Last: it moves the phone's clock five minutes on.
    it('when the request’s five minutes are over, then the answer leaves the screen and the phone asks for a new request', async () => {
      const { page } = driver;
      await page.clock.install({ time: Date.now() });
      const request = await createRequest(rentalCert, device, {
        now: new Date(),
        purpose: 'rental',
      });
      await scanFromPicture(page, request.text, 'expiring');
      await page.locator('#consent').waitFor({ timeout: 20_000 });
      await page.click('#consent-agree');
      await page.locator('#qr[data-presentation]').waitFor({ timeout: 20_000 });
      await page.clock.fastForward(REQUEST_MAX_AGE * 1000 + 2000);
      await page.locator('#answer-expired').waitFor();
      expect(await page.textContent('#answer-expired')).toBe(
        '请求已过期，请对方重新出示请求码后再扫码',
      );
      expect(await page.locator('#qr').count()).toBe(0);
      expect(await page.locator('#disclosed').count()).toBe(0);
      await screenshot(page, 'scan-14-answer-expired');
      await page.click('#change-purpose');
      await page.locator('#purpose-picker').waitFor();
    });
  },
);
