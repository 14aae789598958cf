/*
 * The police app (dist/web/verifier) in Debian's Chromium reading the degraded fixtures of
 * test/fixtures/degraded/: the reference presentation's code spoiled as a camera spoils it. The
 * service signs with the test issuer key that signed the reference credential and answers as its
 * issuer, and the page and the service's Date are at the reference case's clock, so every picture
 * read as the exact text gets the text's own verdict. Chromium on Linux has no BarcodeDetector:
 * this is the app's zxing-cpp reader, its .wasm fetched from the app's origin under the app's
 * Content-Security-Policy. Every picture is picked as an image file; the ones a camera frame holds
 * whole are also played through the fake camera.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { VALID_WITH_WARNINGS } from '../../verifier/internal/messages.js';
import { UI } from '../../verifier/web/app-messages.js';
import { degradedFixtures, fixturePath, referenceCase } from '../fixtures/degraded/fixtures.js';
import { startService, type TestService } from '../issuer/harness.js';
import { fromRoot } from '../paths.js';
import { BROWSER_AVAILABLE, launchBrowser, PHONE_VIEWPORT, screenshot } from './browser.js';
import { encodeY4m, type RgbaImage } from './y4m.js';

const fixtures = await degradedFixtures();
const reference = await referenceCase();
/** The reference case's clock, plus the seconds a scan takes. */
const AT = Date.parse(reference.now) + 5_000;

/**
 * The fixtures a camera frame holds whole: the app reads the centre 80 % square of a 1280×720
 * frame (576 px), and these are smaller.
 */
const CAMERA_FIXTURES = ['scale-33.png', 'mix.jpg'];
const FRAME = { width: 1280, height: 720 } as const;

/** A camera frame: `file` in the middle of a grey 1280×720 picture. */
async function cameraFrame(file: string): Promise<RgbaImage> {
  const { data, info } = await sharp(await readFile(fixturePath(file)))
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width > 576 || info.height > 576)
    throw new Error(`${file}: expected at most 576 px a side, found ${info.width}×${info.height}`);
  const out = new Uint8Array(FRAME.width * FRAME.height * 4).fill(170);
  const left = Math.floor((FRAME.width - info.width) / 2);
  const top = Math.floor((FRAME.height - info.height) / 2);
  for (let y = 0; y < info.height; y++)
    out.set(
      data.subarray(y * info.width * 4, (y + 1) * info.width * 4),
      ((top + y) * FRAME.width + left) * 4,
    );
  return { ...FRAME, data: out };
}

/** What the verdict screen shows. */
interface Shown {
  readonly tone: string | null;
  readonly code: string | null;
  readonly text: string;
}

describe.skipIf(!BROWSER_AVAILABLE)(
  'police app in Chromium on the degraded fixtures',
  { timeout: 120_000 },
  () => {
    let service: TestService;
    let work: string;
    const browsers: Browser[] = [];

    beforeAll(async () => {
      if (VERIFIER_APP_DIR === undefined)
        throw new Error('dist/web/verifier is missing: run `npm run build` first');
      service = await startService('sqlite', {
        now: Math.floor(AT / 1000),
        env: {
          ISSUER_KEY_FILE: fromRoot('test', 'vectors', 'keys', 'issuer.private.jwk.json'),
          PUBLIC_URL: 'https://jtgl.example.cn',
        },
      });
      work = await mkdtemp(join(tmpdir(), 'lz-degraded-'));
    }, 60_000);

    afterEach(async () => {
      await Promise.all(browsers.splice(0).map((b) => b.close()));
    });

    afterAll(async () => {
      await service.close();
      await rm(work, { recursive: true, force: true });
    });

    /**
     * The app at the reference clock, with `camera` as its camera; every answer of the service
     * carries a Date at the same clock (the service's own Date header is the real time). Every
     * request the page makes is kept in `requests`.
     */
    async function openApp(
      camera?: string,
      options: { readonly withoutWasm?: boolean } = {},
    ): Promise<{ page: Page; context: BrowserContext; requests: string[] }> {
      const browser = await launchBrowser(camera === undefined ? {} : { fakeCamera: camera });
      browsers.push(browser);
      const context = await browser.newContext({
        viewport: PHONE_VIEWPORT,
        deviceScaleFactor: 1,
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        baseURL: service.url,
        // The page's requests reach page.route only without a service worker in between.
        serviceWorkers: 'block',
      });
      await context.grantPermissions(['camera'], { origin: service.url });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      const started = Date.now();
      await page.route(`${service.url}/**`, async (route) => {
        const response = await route.fetch();
        await route.fulfill({
          response,
          headers: {
            ...response.headers(),
            date: new Date(AT + Date.now() - started).toUTCString(),
          },
        });
      });
      // The last route added is tried first.
      if (options.withoutWasm === true) await page.route('**/*.wasm', (route) => route.abort());
      await page.clock.install({ time: AT });
      await page.goto('/verifier/');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      return { page, context, requests };
    }

    async function verdict(page: Page, n: number): Promise<Shown> {
      await page.waitForFunction((k) => Number(document.body.dataset.verdicts ?? '0') >= k, n, {
        timeout: 30_000,
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

    it('when every fixture is picked as an image file, then each gets the reference verdict, read by zxing-cpp from the app’s own origin', async () => {
      const { page, requests } = await openApp();
      expect(await page.evaluate(() => document.body.dataset.decoder)).toBe('zxing-cpp');
      const shown: Record<string, Shown> = {};
      for (const [i, { file }] of fixtures.entries()) {
        await page.setInputFiles('#pick-image', fixturePath(file));
        shown[file] = await verdict(page, i + 1);
      }
      const expected: Shown = {
        tone: 'warning',
        code: 'WARN_STATUS_UNCHECKED',
        text: VALID_WITH_WARNINGS.zh,
      };
      expect(shown).toEqual(Object.fromEntries(fixtures.map((f) => [f.file, expected])));
      await screenshot(page, 'verifier-degraded-picked');
      // The reader's WebAssembly came from the app, and nothing from anywhere else.
      expect(
        requests.some((url) => /\/verifier\/assets\/zxing_reader-[\w-]+\.wasm$/.test(url)),
      ).toBe(true);
      expect(requests.filter((url) => !url.startsWith(`${service.url}/`))).toEqual([]);
    });

    it('when the reader’s .wasm cannot be fetched, then the app still opens and says, in words, that the code reader did not load, for the camera and for a picked image', async () => {
      const { page } = await openApp(undefined, { withoutWasm: true });
      expect(await page.evaluate(() => document.body.dataset.decoder)).toBe('none');
      expect(await page.textContent('#scan-status')).toBe(UI.noReader.zh);
      await page.setInputFiles('#pick-image', fixturePath('rotate-90.png'));
      expect(await page.textContent('#scan-status')).toBe(UI.noReader.zh);
      expect(await page.evaluate(() => document.body.dataset.verdicts ?? '0')).toBe('0');
      await screenshot(page, 'verifier-no-reader');
    });

    it.each(CAMERA_FIXTURES)(
      'when %s is in front of the camera, then the reference verdict',
      async (file) => {
        const camera = join(work, `${file}.y4m`);
        await writeFile(camera, encodeY4m([await cameraFrame(file)], 5));
        const { page } = await openApp(camera);
        expect(await verdict(page, 1)).toEqual({
          tone: 'warning',
          code: 'WARN_STATUS_UNCHECKED',
          text: VALID_WITH_WARNINGS.zh,
        });
        await screenshot(page, `verifier-degraded-camera-${file.replace(/\.\w+$/, '')}`);
      },
    );
  },
);
