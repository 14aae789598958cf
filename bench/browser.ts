/*
 * npm run bench:browser: in headless Chromium (Debian's, driven by playwright-core), the time
 * from a camera frame holding a presentation of the reference licence (the first licence of
 * issuer/demo/reference-licences.json) to its verdict painted on the police app's screen. The
 * fake camera plays a Y4M whose every frame is a new presentation (another nonce), so each frame
 * is a new code and a new verdict; the app measures each scan (performance measure `lz:scan`,
 * from the frame's callback to the frame after the verdict's DOM change). The first scans, which
 * fetch the status list, are warm-up. Prints the median and p95 and one JSON line; target p95
 * ≤ 100 ms. Runs with tsx (it shares the browser tests' harness and the issuer's test fixtures).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPresentationV2 } from '../shared/sd/presentation-v2.js';
import { launchBrowser, newPhonePage } from '../test/browser/browser.js';
import { encodeY4m, qrFrame } from '../test/browser/y4m.js';
import { addDevice, issue, newDriver, REFERENCE } from '../test/issuer/fixtures.js';
import { startService } from '../test/issuer/harness.js';

const SCANS = 60;
const WARM_UP = 3;
const FPS = 4;
const TARGET_P95_MS = 100;

const reference = REFERENCE[0];
if (reference === undefined) throw new Error('reference-licences.json: no first licence');
const service = await startService('sqlite');
const work = await mkdtemp(join(tmpdir(), 'lz-bench-browser-'));
try {
  const driver = await newDriver(service, reference);
  const device = await addDevice(driver);
  const issued = await issue(driver, device);
  const now = new Date();
  const texts: string[] = [];
  for (let i = 0; i < WARM_UP + SCANS; i++)
    texts.push(
      await createPresentationV2(issued.holderCopy, device.signer, { now, nonce: `b${i}` }),
    );
  const camera = join(work, 'scans.y4m');
  await writeFile(camera, encodeY4m(await Promise.all(texts.map((t) => qrFrame(t))), FPS));

  const browser = await launchBrowser({ fakeCamera: camera });
  try {
    const { page } = await newPhonePage(browser, { origin: service.url });
    await page.goto('/verifier/');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.waitForFunction(
      (n) => Number(document.body.dataset.verdicts ?? '0') >= n,
      WARM_UP + SCANS,
      { timeout: ((WARM_UP + SCANS) / FPS) * 1000 + 30_000, polling: 250 },
    );
    const scans = await page.evaluate(() =>
      performance.getEntriesByName('lz:scan', 'measure').map((e) => ({
        ms: e.duration,
        tone: ((e as PerformanceMeasure).detail as { tone: string }).tone,
      })),
    );
    const measured = scans.slice(WARM_UP, WARM_UP + SCANS);
    const notValid = measured.filter((s) => s.tone !== 'valid').length;
    if (notValid > 0) throw new Error(`${notValid} of ${measured.length} scans were not valid`);
    const ms = measured.map((s) => s.ms).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)] ?? NaN;
    const figures = {
      scans: ms.length,
      decoder: await page.evaluate(() => document.body.dataset.decoder ?? ''),
      median_ms: Number(at(0.5).toFixed(1)),
      p95_ms: Number(at(0.95).toFixed(1)),
      max_ms: Number((ms[ms.length - 1] ?? NaN).toFixed(1)),
      target_p95_ms: TARGET_P95_MS,
    };
    console.log('Police app in headless Chromium: camera frame → verdict on screen');
    console.log(
      `  ${figures.scans} scans (${figures.decoder}): median ${figures.median_ms} ms, p95 ${figures.p95_ms} ms, max ${figures.max_ms} ms (target p95 ≤ ${TARGET_P95_MS} ms)`,
    );
    console.log(JSON.stringify({ browser_scan: figures }));
  } finally {
    await browser.close();
  }
} finally {
  await service.close();
  await rm(work, { recursive: true, force: true });
}
