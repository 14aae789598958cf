/*
 * The QR reader the police app, the driver's app and `verify --image` share (shared/qr-reader.ts:
 * zxing-cpp in WebAssembly) on the degraded fixtures of test/fixtures/degraded/ (the reference
 * presentation's code scaled, rotated, blurred, skewed, compressed, dimmed, inverted, seen on a
 * screen). Every one reads as the exact text; jsQR, which the apps used before, misses the ones
 * listed below, so a change of either shows here.
 */
import { readFile } from 'node:fs/promises';
import jsQRModule from 'jsqr';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { useInstalledQrReader } from '../../shared/node/qr-reader-wasm.js';
import { readQrPixels, type GreyPixels, type RgbaPixels } from '../../shared/qr-reader.js';
import { degradedFixtures, fixturePath, referenceText } from '../fixtures/degraded/fixtures.js';

// jsqr is CommonJS: under NodeNext its typed default export is the module object.
const jsQR = jsQRModule.default;

/** The fixtures jsQR 1.4 does not read, trying normal and inverted (as verify --image did). */
const JSQR_MISSES = ['perspective.png', 'low-contrast.png', 'moire.png'];

/** A fixture's pixels as a browser's canvas holds them: RGBA. */
async function pixelsOf(file: string): Promise<RgbaPixels> {
  const { data, info } = await sharp(await readFile(fixturePath(file)))
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4)
    throw new Error(`${file}: expected RGBA, found ${info.channels} channels`);
  return {
    width: info.width,
    height: info.height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
  };
}

/** A fixture's luminance, one byte a pixel: what the camera's Y plane gives the police app. */
async function greyOf(file: string): Promise<GreyPixels> {
  const { data, info } = await sharp(await readFile(fixturePath(file)))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1)
    throw new Error(`${file}: expected grey, found ${info.channels} channels`);
  return { width: info.width, height: info.height, grey: new Uint8Array(data) };
}

const fixtures = await degradedFixtures();
const text = await referenceText();

describe('QR reader (zxing-cpp) on the degraded fixtures', () => {
  beforeAll(async () => {
    await useInstalledQrReader();
  });

  it('lists the twelve fixtures the generator writes', () => {
    expect(fixtures.map((f) => f.file)).toEqual([
      'scale-33.png',
      'rotate-7.png',
      'rotate-15.png',
      'rotate-90.png',
      'blur-1.png',
      'blur-2.png',
      'perspective.png',
      'jpeg-30.jpg',
      'low-contrast.png',
      'inverted.png',
      'moire.png',
      'mix.jpg',
    ]);
  });

  it.each(fixtures.map((f) => [f.file, f.what]))(
    'when the picture is %s (%s), then it reads as the reference presentation',
    async (file) => {
      expect(await readQrPixels(await pixelsOf(file))).toBe(text);
    },
  );

  it.each(fixtures.map((f) => [f.file, f.what]))(
    'when the picture is %s (%s) as grey bytes, then it reads as the reference presentation',
    async (file) => {
      expect(await readQrPixels(await greyOf(file))).toBe(text);
    },
  );

  it('when grey bytes are fewer than width × height, then the read is refused with the sizes', async () => {
    await expect(
      readQrPixels({ width: 640, height: 480, grey: new Uint8Array(640 * 479) }),
    ).rejects.toThrow(
      new RangeError('grey pixels: expected 307200 bytes for 640×480, found 306560'),
    );
  });

  it('when the picture holds no code (a blank grey frame), then it reads as nothing', async () => {
    const data = new Uint8ClampedArray(640 * 480 * 4).fill(170);
    expect(await readQrPixels({ width: 640, height: 480, data })).toBeUndefined();
  });

  it('when jsQR reads every fixture, trying normal then inverted, then it misses exactly the skewed, the dim and the moiré one, and reads the rest as the reference text', async () => {
    const missed: string[] = [];
    for (const { file } of fixtures) {
      const { width, height, data } = await pixelsOf(file);
      const found = jsQR(data, width, height, { inversionAttempts: 'attemptBoth' });
      if (found === null) missed.push(file);
      else expect(found.data, file).toBe(text);
    }
    expect(missed).toEqual(JSQR_MISSES);
  });
});
