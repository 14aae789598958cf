/*
 * shared/web/camera-scanner.ts in Chromium, its fake camera playing a QR: a scan reads the code
 * and its stop ends the camera; a scan whose video leaves the page while the camera starts (the
 * panel replaced before its first frame: a picture picked meanwhile, the screen redrawn) fails
 * with the browser's AbortError and ends the camera it opened, rather than leaving it running
 * with no one to stop it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_AVAILABLE, launchBrowser } from './browser.js';
import { modulePage } from './module-page.js';
import { encodeY4m, qrFrame } from './y4m.js';

type Module = typeof import('./camera-scan-page.js');

describe.skipIf(!BROWSER_AVAILABLE)('the camera scan in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'lz-camera-scan-'));
    const camera = join(workDir, 'camera.y4m');
    await writeFile(camera, encodeY4m([await qrFrame('LZ-CAMERA-SCAN-TEST')], 5));
    browser = await launchBrowser({ fakeCamera: camera });
    page = await modulePage(browser, 'test/browser/camera-scan-page.ts', 'cameraScanModule');
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('when a code is in front of the camera, then it is read, and stop ends the camera', async () => {
    const outcome = await page.evaluate(async () => {
      const { startCameraScan, createQrDecoder } = (
        window as unknown as { cameraScanModule: Module }
      ).cameraScanModule;
      const video = document.createElement('video');
      document.body.append(video);
      const stream = new Promise<MediaStream>((resolve) => {
        video.addEventListener('loadstart', () => {
          resolve(video.srcObject as MediaStream);
        });
      });
      let read!: (text: string) => void;
      const text = new Promise<string>((resolve) => (read = resolve));
      const scan = await startCameraScan(video, await createQrDecoder(), (t) => {
        read(t);
      });
      const first = await text;
      scan.stop();
      const tracks = (await stream).getTracks().map((t) => t.readyState);
      video.remove();
      return { text: first, tracks };
    });
    expect(outcome).toEqual({ text: 'LZ-CAMERA-SCAN-TEST', tracks: ['ended'] });
  });

  it('when the video leaves the page while the camera starts, then the scan fails with AbortError and the camera it opened is ended', async () => {
    const outcome = await page.evaluate(async () => {
      const { startCameraScan, createQrDecoder } = (
        window as unknown as { cameraScanModule: Module }
      ).cameraScanModule;
      const decoder = await createQrDecoder();
      const video = document.createElement('video');
      document.body.append(video);
      let stream: MediaStream | undefined;
      // The camera is on and play() waits for its first frame: the panel goes.
      video.addEventListener('loadstart', () => {
        stream = video.srcObject as MediaStream;
        video.remove();
      });
      try {
        await startCameraScan(video, decoder, () => undefined);
        return { error: null, tracks: stream?.getTracks().map((t) => t.readyState) };
      } catch (error) {
        return {
          error: error instanceof DOMException ? error.name : String(error),
          tracks: stream?.getTracks().map((t) => t.readyState),
        };
      }
    });
    expect(outcome).toEqual({ error: 'AbortError', tracks: ['ended'] });
  });
});
