/*
 * npm run bench:browser: the apps in headless Chromium (Debian's, driven by playwright-core),
 * unthrottled and with the CPU throttled 4× and 6× (Chrome DevTools' Emulation.setCPUThrottlingRate,
 * as a slow phone):
 * - the police app: cold start (a fresh profile, navigation → first usable screen) and the time
 *   from a camera frame holding a police code of the reference licence (the first licence of
 *   issuer/demo/reference-licences.json, format 2) to its verdict painted on screen. The fake
 *   camera plays a Y4M whose every frame is a new code (another nonce), so each frame is a new
 *   verdict; the app measures each scan (performance measure `lz:scan`, from the frame's callback
 *   to the frame after the verdict's DOM change). The first scans are warm-up.
 * - the driver's app: cold start to the sign-in form, and the time to make and draw the dynamic
 *   QR (measure `lz:qr`: presentation signed, QR encoded and drawn) on the licence page.
 * Prints medians and p95s and one JSON line. Targets: unthrottled scan p95 ≤ 100 ms; at 4×, scan
 * p95 ≤ 150 ms and QR ≤ 50 ms. Runs with tsx (it shares the browser tests' harness and the
 * issuer's test fixtures).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createPresentationV2 } from '../shared/sd/presentation-v2.js';
import { launchBrowser, newPhonePage } from '../test/browser/browser.js';
import { driverOnLicencePage } from '../test/browser/driver-phone.js';
import { encodeY4m, qrFrame } from '../test/browser/y4m.js';
import { addDevice, issue, newDriver, REFERENCE } from '../test/issuer/fixtures.js';
import { startService } from '../test/issuer/harness.js';

const THROTTLES = [1, 4, 6] as const;
const SCANS = 30;
const WARM_UP = 3;
/** Frames a second: slow enough that a 6× throttled phone judges every frame. */
const FPS = 2;
const QR_ROUNDS = 10;
const COLD_ROUNDS = 3;
const TARGET = { scanP95: 100, scanP95At4: 150, qrAt4: 50 } as const;

const reference = REFERENCE[0];
if (reference === undefined) throw new Error('reference-licences.json: no first licence');

/** Median and p95 of durations (ms), one decimal. */
function summary(ms: number[]): { median_ms: number; p95_ms: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return {
    median_ms: Number(at(0.5).toFixed(1)),
    p95_ms: Number(at(0.95).toFixed(1)),
    n: s.length,
  };
}

async function throttle(page: Page, rate: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/** Navigation to `selector` on screen, in a fresh profile each round (nothing cached). */
async function coldStart(
  browser: Browser,
  origin: string,
  rate: number,
  path: string,
  selector: string,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < COLD_ROUNDS; i++) {
    const { context, page } = await newPhonePage(browser, { origin });
    try {
      await throttle(page, rate);
      const started = Date.now();
      await page.goto(path);
      await page.locator(selector).first().waitFor({ state: 'visible', timeout: 60_000 });
      times.push(Date.now() - started);
    } finally {
      await context.close();
    }
  }
  return times;
}

const service = await startService('sqlite');
const work = await mkdtemp(join(tmpdir(), 'lz-bench-browser-'));
const figures: Record<string, unknown> = {};
try {
  const driver = await newDriver(service, reference);
  const device = await addDevice(driver);
  const issued = await issue(driver, device);
  const camera = join(work, 'scans.y4m');
  /**
   * Fresh codes for the camera (it reads its file each time a capture starts): a code is
   * accepted for 60 s after it is made, and a throttled round takes longer than that.
   */
  const freshCodes = async () => {
    const now = new Date();
    const texts: string[] = [];
    for (let i = 0; i < WARM_UP + SCANS; i++)
      texts.push(
        await createPresentationV2(issued.holderCopy, device.signer, { now, nonce: `b${i}` }),
      );
    await writeFile(camera, encodeY4m(await Promise.all(texts.map((t) => qrFrame(t))), FPS));
  };
  await freshCodes();

  const browser = await launchBrowser({ fakeCamera: camera });
  try {
    console.log('Police app in headless Chromium: camera frame → verdict on screen, cold start');
    for (const rate of THROTTLES) {
      const cold = summary(
        await coldStart(browser, service.url, rate, '/verifier/', 'body[data-ready="true"]'),
      );
      const { context, page } = await newPhonePage(browser, { origin: service.url });
      try {
        await throttle(page, rate);
        await freshCodes();
        await page.goto('/verifier/');
        await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
        await page.waitForFunction(
          (n) => Number(document.body.dataset.verdicts ?? '0') >= n,
          WARM_UP + SCANS,
          { timeout: ((WARM_UP + SCANS) / FPS) * 1000 * 3 + 60_000, polling: 250 },
        );
        const scans = await page.evaluate(() =>
          performance.getEntriesByName('lz:scan', 'measure').map((e) => ({
            ms: e.duration,
            tone: ((e as PerformanceMeasure).detail as { tone: string }).tone,
          })),
        );
        const measured = scans.slice(WARM_UP, WARM_UP + SCANS);
        const notValid = measured.filter((s) => s.tone !== 'valid');
        if (notValid.length > 0)
          throw new Error(
            `${notValid.length} of ${measured.length} scans were not valid: ${notValid.map((s) => s.tone).join(', ')}`,
          );
        const scan = summary(measured.map((s) => s.ms));
        const decoder = await page.evaluate(() => document.body.dataset.decoder ?? '');
        figures[`police_${rate}x`] = { decoder, scan, cold_start: cold };
        console.log(
          `  CPU ${rate}×: ${scan.n} scans (${decoder}): median ${scan.median_ms} ms, p95 ${scan.p95_ms} ms; cold start median ${cold.median_ms} ms (${cold.n} runs)`,
        );
      } finally {
        await context.close();
      }
    }
    console.log(
      `  targets: p95 ≤ ${TARGET.scanP95} ms unthrottled, ≤ ${TARGET.scanP95At4} ms at 4×`,
    );

    console.log("Driver's app: cold start to the sign-in form; dynamic QR made and drawn");
    const phone = await driverOnLicencePage(service, browser, 9900);
    try {
      for (const rate of THROTTLES) {
        const cold = summary(
          await coldStart(browser, service.url, rate, '/app/', '#sign-in button[type=submit]'),
        );
        const { page } = phone;
        await throttle(page, rate);
        await page.evaluate(() => {
          performance.clearMeasures('lz:qr');
        });
        for (let i = 0; i < QR_ROUNDS; i++) {
          await page.click('#purpose-police');
          await page.locator('#qr[data-presentation]').waitFor({ timeout: 120_000 });
          await page.click('#change-purpose');
          await page.locator('#purpose-picker').waitFor({ timeout: 120_000 });
        }
        const qr = summary(
          await page.evaluate(() =>
            performance.getEntriesByName('lz:qr', 'measure').map((e) => e.duration),
          ),
        );
        figures[`driver_${rate}x`] = { qr, cold_start: cold };
        console.log(
          `  CPU ${rate}×: QR median ${qr.median_ms} ms, p95 ${qr.p95_ms} ms (${qr.n} codes); cold start median ${cold.median_ms} ms (${cold.n} runs)`,
        );
      }
    } finally {
      await phone.context.close();
    }
    console.log(`  target: QR ≤ ${TARGET.qrAt4} ms at 4×`);
    const police4 = figures.police_4x as { scan: { p95_ms: number } };
    const driver4 = figures.driver_4x as { qr: { median_ms: number; p95_ms: number } };
    console.log(
      `  at 4×: scan p95 ${police4.scan.p95_ms} ms (${police4.scan.p95_ms <= TARGET.scanP95At4 ? 'met' : 'NOT MET'}), QR median ${driver4.qr.median_ms} ms (${driver4.qr.median_ms <= TARGET.qrAt4 ? 'met' : 'NOT MET'})`,
    );
    console.log(JSON.stringify({ browser: { ...figures, targets: TARGET } }));
  } finally {
    await browser.close();
  }
} finally {
  await service.close();
  await rm(work, { recursive: true, force: true });
}
