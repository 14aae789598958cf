/*
 * shared/web/frame-grey.ts in Chromium, on frames made here from bytes (WebCodecs): the grey of
 * the guide's square is a 4:2:0 frame's Y plane exactly (I420 and NV12), scaled down by nearest
 * pixel when the square is larger than asked (a 1080p camera), and for RGBA and BGRA frames the
 * grey by zxing-cpp's weights; a 10-bit frame gives nothing (the camera then draws on a canvas).
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_AVAILABLE, launchBrowser } from './browser.js';

/** A frame's bytes: width × height, in `format`, each luma or colour byte from its position. */
interface FrameSpec {
  readonly format: 'I420' | 'NV12' | 'RGBA' | 'BGRA' | 'I420P10';
  readonly width: number;
  readonly height: number;
}

/** The byte at (x, y) of plane or channel `c`: a pattern no crop or scale can fake. */
const at = (x: number, y: number, c = 0) => (x * 7 + y * 13 + c * 61) & 255;

/** What frameGrey gives for a frame of `spec`, read in the page. */
async function greyOf(
  page: Page,
  spec: FrameSpec,
  square: { share: number; maxSide: number },
): Promise<{ width: number; height: number; grey: number[] } | undefined> {
  return page.evaluate(
    async ({ spec, square }) => {
      const { format, width, height } = spec;
      const value = (x: number, y: number, c = 0) => (x * 7 + y * 13 + c * 61) & 255;
      let bytes: Uint8Array | Uint16Array;
      if (format === 'RGBA' || format === 'BGRA') {
        bytes = new Uint8Array(width * height * 4);
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++)
            for (let c = 0; c < 4; c++) bytes[(y * width + x) * 4 + c] = value(x, y, c);
      } else if (format === 'I420P10') {
        bytes = new Uint16Array(width * height * 1.5).fill(512);
      } else {
        bytes = new Uint8Array(width * height * 1.5).fill(128);
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) bytes[y * width + x] = value(x, y);
      }
      const frame = new VideoFrame(bytes, {
        // I420P10 is Chromium's, not yet in TypeScript's list.
        format: format as VideoPixelFormat,
        codedWidth: width,
        codedHeight: height,
        timestamp: 0,
      });
      const { frameGrey } = (
        window as unknown as {
          frameGreyModule: typeof import('../../shared/web/frame-grey.js');
        }
      ).frameGreyModule;
      const got = await frameGrey(frame, square);
      frame.close();
      return got === undefined
        ? undefined
        : { width: got.width, height: got.height, grey: [...got.grey] };
    },
    { spec, square },
  );
}

/** The grey expected: the centre square, nearest pixel, from the pattern. */
function expected(
  spec: FrameSpec,
  side: number,
  out: number,
  grey: (x: number, y: number) => number,
): number[] {
  const x0 = Math.floor((spec.width - side) / 2) & ~1;
  const y0 = Math.floor((spec.height - side) / 2) & ~1;
  const pixels: number[] = [];
  for (let y = 0; y < out; y++)
    for (let x = 0; x < out; x++)
      pixels.push(grey(x0 + Math.floor((x * side) / out), y0 + Math.floor((y * side) / out)));
  return pixels;
}

const luma = (r: number, g: number, b: number) => (306 * r + 601 * g + 117 * b + 512) >> 10;
const GUIDE = { share: 0.8, maxSide: 640 } as const;

describe.skipIf(!BROWSER_AVAILABLE)('frame grey (WebCodecs) in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, '../../shared/web/frame-grey.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'frameGreyModule',
      target: 'es2022',
      write: false,
    });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto('about:blank');
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
  });

  afterAll(async () => {
    await browser.close();
  });

  it.each(['I420', 'NV12'] as const)(
    'when a 640×480 %s frame is read, then the grey is its Y plane in the centre 384 px square, byte for byte',
    async (format) => {
      const spec = { format, width: 640, height: 480 };
      expect(await greyOf(page, spec, GUIDE)).toEqual({
        width: 384,
        height: 384,
        grey: expected(spec, 384, 384, (x, y) => at(x, y)),
      });
    },
  );

  it('when a 1920×1080 I420 frame is read, then its 864 px square is scaled to 640 px, each pixel the nearest', async () => {
    const spec = { format: 'I420', width: 1920, height: 1080 } as const;
    expect(await greyOf(page, spec, GUIDE)).toEqual({
      width: 640,
      height: 640,
      grey: expected(spec, 864, 640, (x, y) => at(x, y)),
    });
  });

  it.each([
    ['RGBA', [0, 1, 2]],
    ['BGRA', [2, 1, 0]],
  ] as const)(
    'when a 640×480 %s frame is read, then the grey is zxing-cpp’s of its red, green and blue',
    async (format, [r, g, b]) => {
      const spec = { format, width: 640, height: 480 };
      expect(await greyOf(page, spec, GUIDE)).toEqual({
        width: 384,
        height: 384,
        grey: expected(spec, 384, 384, (x, y) => luma(at(x, y, r), at(x, y, g), at(x, y, b))),
      });
    },
  );

  it('when a 10-bit frame is read, then there is no grey (the camera draws it on a canvas instead)', async () => {
    expect(await greyOf(page, { format: 'I420P10', width: 640, height: 480 }, GUIDE)).toBe(
      undefined,
    );
  });
});
