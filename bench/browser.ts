/*
 * npm run bench:browser: two figures in headless Chromium (Debian's, driven by playwright-core).
 * Runs with tsx (it shares the browser tests' harness and the issuer's test fixtures); one part
 * alone with `npm run bench:browser -- scan` or `-- first-load`.
 *
 * scan: the time from a camera frame holding a presentation of the reference licence (the first
 * licence of issuer/demo/reference-licences.json) to its verdict painted on the police app's
 * screen. The fake camera plays a Y4M whose every frame is a new presentation (another nonce), so
 * each frame is a new code and a new verdict; the app measures each scan (performance measure
 * `lz:scan`, from the frame's callback to the frame after the verdict's DOM change). The first
 * scans, which fetch the status list, are warm-up. Prints the median and p95 and one JSON line;
 * target p95 ≤ 100 ms.
 *
 * first-load: the driver's app opened for the first time (no cache, no service worker) on a
 * throttled network, Chromium's own (CDP Network.emulateNetworkConditions): 400 kbit/s each way
 * and a round trip of `--latency` ms (default 150) added to every request. Measured from the
 * navigation's start to the sign-in form on screen, ready to type in (its button present: the
 * app has run and heard 401 from /api/me); the median of 5 loads, each in a new context, and the
 * bytes that came over the wire. The same with compression refused (`Accept-Encoding: identity`),
 * for comparison. Target: under 4 s.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createPresentation } from '../shared/create-presentation.js';
import { launchBrowser, newPhonePage } from '../test/browser/browser.js';
import { encodeY4m, qrFrame } from '../test/browser/y4m.js';
import { addDevice, issue, newDriver, REFERENCE } from '../test/issuer/fixtures.js';
import { startService, type TestService } from '../test/issuer/harness.js';

const SCANS = 60;
const WARM_UP = 3;
const FPS = 4;
const TARGET_P95_MS = 100;

/** Camera frame → verdict on the police app's screen. */
async function scanToVerdict(service: TestService): Promise<void> {
  const reference = REFERENCE[0];
  if (reference === undefined) throw new Error('reference-licences.json: no first licence');
  const work = await mkdtemp(join(tmpdir(), 'lz-bench-browser-'));
  try {
    const driver = await newDriver(service, reference);
    const device = await addDevice(driver);
    const issued = await issue(driver, device);
    const now = new Date();
    const texts: string[] = [];
    for (let i = 0; i < WARM_UP + SCANS; i++)
      texts.push(
        await createPresentation(issued.credential, device.signer, { now, nonce: `b${i}` }),
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
    await rm(work, { recursive: true, force: true });
  }
}

/** The throttled network of the first-load figure. */
const THROTTLE_KBIT_S = 400;
const FIRST_LOADS = 5;
const TARGET_FIRST_LOAD_MS = 4000;

/** One first load of /app/ at the throttled speed: ms to the sign-in form, bytes received. */
async function oneFirstLoad(
  browser: Browser,
  service: TestService,
  latencyMs: number,
  compressed: boolean,
): Promise<{ ms: number; bytes: number }> {
  const { context, page } = await newPhonePage(browser, { origin: service.url });
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const bytesPerSecond = (THROTTLE_KBIT_S * 1000) / 8;
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: latencyMs,
      downloadThroughput: bytesPerSecond,
      uploadThroughput: bytesPerSecond,
    });
    if (!compressed)
      await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
      bytes += event.encodedDataLength;
    });
    await page.goto('/app/', { waitUntil: 'commit' });
    const ready = await page.waitForFunction(
      () =>
        document.querySelector('#sign-in button[type=submit]') === null ? false : performance.now(),
      undefined,
      { polling: 'raf', timeout: 120_000 },
    );
    const ms = (await ready.jsonValue()) as number;
    return { ms, bytes };
  } finally {
    await context.close();
  }
}

/** The driver's app's first load at 400 kbit/s: to its sign-in form, compressed and not. */
async function firstLoad(service: TestService, latencyMs: number): Promise<void> {
  const browser = await launchBrowser();
  try {
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const runs = async (compressed: boolean) => {
      const loads: { ms: number; bytes: number }[] = [];
      for (let i = 0; i < FIRST_LOADS; i++)
        loads.push(await oneFirstLoad(browser, service, latencyMs, compressed));
      return {
        median_ms: Math.round(median(loads.map((l) => l.ms))),
        max_ms: Math.round(Math.max(...loads.map((l) => l.ms))),
        kb: Math.round(median(loads.map((l) => l.bytes)) / 1000),
      };
    };
    const figures = {
      kbit_s: THROTTLE_KBIT_S,
      latency_ms: latencyMs,
      loads: FIRST_LOADS,
      compressed: await runs(true),
      uncompressed: await runs(false),
      target_ms: TARGET_FIRST_LOAD_MS,
    };
    console.log(
      `Driver's app, first load to the sign-in form at ${THROTTLE_KBIT_S} kbit/s, ${latencyMs} ms added a request (median of ${FIRST_LOADS})`,
    );
    console.log(
      `  compressed: ${figures.compressed.median_ms} ms (max ${figures.compressed.max_ms} ms), ${figures.compressed.kb} kB over the wire (target < ${TARGET_FIRST_LOAD_MS} ms)`,
    );
    console.log(
      `  without compression: ${figures.uncompressed.median_ms} ms, ${figures.uncompressed.kb} kB`,
    );
    console.log(JSON.stringify({ browser_first_load: figures }));
  } finally {
    await browser.close();
  }
}

const args = process.argv.slice(2);
const latencyArg = args.indexOf('--latency');
const latency = latencyArg === -1 ? 150 : Number(args[latencyArg + 1]);
if (!Number.isInteger(latency) || latency < 0 || latency > 5000)
  throw new Error(`--latency: expected whole milliseconds 0–5000, found ${args[latencyArg + 1]}`);
const parts = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--latency');
for (const part of parts)
  if (part !== 'scan' && part !== 'first-load')
    throw new Error(`bench/browser.ts: expected the part scan or first-load, found ${part}`);
const service = await startService('sqlite');
try {
  if (parts.length === 0 || parts.includes('scan')) await scanToVerdict(service);
  if (parts.length === 0 || parts.includes('first-load')) await firstLoad(service, latency);
} finally {
  await service.close();
}
