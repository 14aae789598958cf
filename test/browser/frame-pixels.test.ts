/*
 * shared/web/frame-pixels.ts in Chromium, on frames made here from bytes (WebCodecs): the guide's
 * square of a 640×480 frame (I420, NV12, RGBA, BGRA) comes as the browser's RGBA of exactly that
 * square; where the browser does not convert (copyTo's `format` ignored), as the frame's own Y
 * plane; the square of a 1080p frame is scaled to 640 px by nearest pixel, grey (the Y plane, or
 * zxing-cpp's weights of an RGBA frame); a 10-bit frame that is to be scaled gives nothing (the
 * camera then draws on a canvas).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_AVAILABLE, launchBrowser } from './browser.js';
import { modulePage } from './module-page.js';

/** A frame's bytes: width × height, in `format`, each luma or colour byte from its position. */
interface FrameSpec {
  readonly format: 'I420' | 'NV12' | 'RGBA' | 'BGRA' | 'I420P10';
  readonly width: number;
  readonly height: number;
}

/** What framePixels gave, with its bytes as `B` (base64 in the page, numbers here). */
interface Got<B> {
  readonly width: number;
  readonly height: number;
  readonly kind: string;
  readonly bytes: B;
}

/** What framePixels gave, and the browser's own RGBA of the whole frame (640×480 only). */
interface Read<B = number[]> {
  readonly got: Got<B> | undefined;
  readonly whole: B;
}

/** The byte at (x, y) of plane or channel `c`: a pattern no crop or scale can fake. */
const at = (x: number, y: number, c = 0) => (x * 7 + y * 13 + c * 61) & 255;

/** framePixels on a frame of `spec`, in the page; `ignoreFormat`: as a browser without it. */
async function read(page: Page, spec: FrameSpec, ignoreFormat = false): Promise<Read> {
  const inPage: Read<string> = await page.evaluate(
    async ({ spec, ignoreFormat, square }) => {
      const base64 = (data: Uint8Array | Uint8ClampedArray) => {
        let binary = '';
        for (let i = 0; i < data.length; i += 0x8000)
          binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
        return btoa(binary);
      };
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
      const whole = new Uint8Array(width === 640 ? width * height * 4 : 0);
      if (width === 640) await frame.copyTo(whole, { format: 'RGBA' });
      // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, below
      const copyTo = VideoFrame.prototype.copyTo;
      if (ignoreFormat)
        VideoFrame.prototype.copyTo = function (this: VideoFrame, out, options) {
          const rest = { ...options };
          delete rest.format;
          return copyTo.call(this, out, rest);
        };
      type Module = typeof import('../../shared/web/frame-pixels.js');
      const { framePixels } = (window as unknown as { framePixelsModule: Module })
        .framePixelsModule;
      try {
        const got = await framePixels(frame, square);
        return {
          got:
            got === undefined
              ? undefined
              : 'grey' in got
                ? { width: got.width, height: got.height, kind: 'grey', bytes: base64(got.grey) }
                : { width: got.width, height: got.height, kind: 'rgba', bytes: base64(got.data) },
          whole: base64(whole),
        };
      } finally {
        VideoFrame.prototype.copyTo = copyTo;
        frame.close();
      }
    },
    { spec, ignoreFormat, square: { share: 0.8, maxSide: 640 } },
  );
  const bytes = (b64: string) => [...Buffer.from(b64, 'base64')];
  return {
    got: inPage.got === undefined ? undefined : { ...inPage.got, bytes: bytes(inPage.got.bytes) },
    whole: bytes(inPage.whole),
  };
}

/** The centre `side` square's pixels (`size` bytes each) scaled to `out`, nearest pixel. */
function expected(
  spec: FrameSpec,
  side: number,
  out: number,
  pixel: (x: number, y: number) => number[],
): number[] {
  const x0 = Math.floor((spec.width - side) / 2) & ~1;
  const y0 = Math.floor((spec.height - side) / 2) & ~1;
  const pixels: number[] = [];
  for (let y = 0; y < out; y++)
    for (let x = 0; x < out; x++)
      pixels.push(...pixel(x0 + Math.floor((x * side) / out), y0 + Math.floor((y * side) / out)));
  return pixels;
}

const luma = (r: number, g: number, b: number) => (306 * r + 601 * g + 117 * b + 512) >> 10;

describe.skipIf(!BROWSER_AVAILABLE)('frame pixels (WebCodecs) in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await modulePage(browser, 'shared/web/frame-pixels.ts', 'framePixelsModule');
  }, 60_000);

  afterAll(async () => {
    await browser.close();
  });

  it.each(['I420', 'NV12', 'RGBA', 'BGRA'] as const)(
    'when a 640×480 %s frame is read, then it is the browser’s RGBA of the centre 384 px square, byte for byte',
    async (format) => {
      const spec = { format, width: 640, height: 480 };
      const { got, whole } = await read(page, spec);
      const rgba = (x: number, y: number) => whole.slice((y * 640 + x) * 4, (y * 640 + x + 1) * 4);
      expect(got).toEqual({
        width: 384,
        height: 384,
        kind: 'rgba',
        bytes: expected(spec, 384, 384, rgba),
      });
    },
  );

  it('when the browser ignores copyTo’s format, then a 640×480 I420 frame is read as its Y plane in the centre square', async () => {
    const spec = { format: 'I420', width: 640, height: 480 } as const;
    expect((await read(page, spec, true)).got).toEqual({
      width: 384,
      height: 384,
      kind: 'grey',
      bytes: expected(spec, 384, 384, (x, y) => [at(x, y)]),
    });
  });

  it('when a 1920×1080 I420 frame is read, then its 864 px square is scaled to 640 px, each pixel the nearest of the Y plane', async () => {
    const spec = { format: 'I420', width: 1920, height: 1080 } as const;
    expect((await read(page, spec)).got).toEqual({
      width: 640,
      height: 640,
      kind: 'grey',
      bytes: expected(spec, 864, 640, (x, y) => [at(x, y)]),
    });
  });

  it.each([
    ['RGBA', [0, 1, 2]],
    ['BGRA', [2, 1, 0]],
  ] as const)(
    'when a 1920×1080 %s frame is read, then it is scaled to 640 px, each pixel zxing-cpp’s grey of the nearest',
    async (format, [r, g, b]) => {
      const spec = { format, width: 1920, height: 1080 };
      expect((await read(page, spec)).got).toEqual({
        width: 640,
        height: 640,
        kind: 'grey',
        bytes: expected(spec, 864, 640, (x, y) => [luma(at(x, y, r), at(x, y, g), at(x, y, b))]),
      });
    },
  );

  it('when a 10-bit 1920×1080 frame is read, then there are no pixels (the camera draws it on a canvas instead)', async () => {
    expect((await read(page, { format: 'I420P10', width: 1920, height: 1080 })).got).toBe(
      undefined,
    );
  });
});
