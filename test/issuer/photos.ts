/*
 * Photos for the application tests: real image files made with sharp, not byte fixtures. Noise
 * comes from a seeded generator, so every run encodes the same bytes.
 */
import sharp from 'sharp';
import type { PrecheckRule } from '../../issuer/application/photo-precheck.js';

type Pipeline = ReturnType<typeof sharp>;

function seededNoise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
}

/**
 * A "person": a plain background of grey level `background` with a dark, textured ellipse in the
 * middle (the texture keeps the JPEG above the 20 KB minimum, as a real face would).
 */
export function portraitPixels(
  width: number,
  height: number,
  background = 255,
  seed = width * 7 + height,
): Buffer {
  const next = seededNoise(seed);
  const pixels = Buffer.alloc(width * height * 3);
  const cx = width / 2;
  const cy = height / 2;
  const rx = width * 0.3;
  const ry = height * 0.35;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
      const v = inside ? next() % 100 : background;
      pixels.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return pixels;
}

/** Random RGB noise over the whole frame, border included. */
export function noisePixels(width: number, height: number): Buffer {
  const next = seededNoise(42);
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = next();
  return pixels;
}

/** sharp over raw RGB pixels. */
export function raw(pixels: Buffer, width: number, height: number): Pipeline {
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

/**
 * A 600×800 portrait JPEG on a background of grey level `background`. `takenAt` writes it into
 * the EXIF DateTime, as a camera would (local China time, no zone).
 */
export async function portraitJpeg(
  background = 255,
  options: { readonly seed?: number; readonly takenAt?: Date } = {},
): Promise<Buffer> {
  let image = raw(portraitPixels(600, 800, background, options.seed), 600, 800);
  if (options.takenAt !== undefined) {
    // EXIF "YYYY:MM:DD HH:MM:SS" in China time.
    const china = new Date(options.takenAt.getTime() + 8 * 3600 * 1000).toISOString();
    const text = `${china.slice(0, 10).replaceAll('-', ':')} ${china.slice(11, 19)}`;
    image = image.withExif({ IFD0: { DateTime: text } });
  }
  return image.jpeg({ quality: 90 }).toBuffer();
}

/** A file the pre-check must turn away, and the rules it must name. */
export interface RejectedPhoto {
  readonly name: string;
  make(): Promise<Uint8Array>;
  readonly rules: readonly PrecheckRule[];
}

/** The files the pre-check rejects; the first five are the failures docs/DOMAIN.md §1.5 names. */
export const REJECTED_PHOTOS: readonly RejectedPhoto[] = [
  {
    name: 'the background is mid-grey (#888)',
    make: () =>
      raw(portraitPixels(600, 800, 0x88), 600, 800)
        .jpeg({ quality: 90 })
        .toBuffer(),
    rules: ['background'],
  },
  {
    name: 'the photo is landscape 800×600',
    make: () => raw(portraitPixels(800, 600), 800, 600).jpeg({ quality: 90 }).toBuffer(),
    rules: ['proportions'],
  },
  {
    // 100/120 ≈ 0.83 is portrait within the proportions range, so proportions passes; the
    // noise reaches the border, so background fails with dimensions.
    name: 'the photo is a 100×120 noise image of about 40 KB',
    make: () =>
      raw(noisePixels(100, 120), 100, 120)
        .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        .toBuffer(),
    rules: ['dimensions', 'background'],
  },
  {
    name: 'the file is a PDF renamed .jpg',
    make: () =>
      Promise.resolve(
        Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n', 'latin1'), Buffer.alloc(30_000, 0x20)]),
      ),
    rules: ['format'],
  },
  {
    name: 'the JPEG is truncated at 60 % of its length',
    make: async () => {
      const whole = await portraitJpeg();
      return whole.subarray(0, Math.floor(whole.byteLength * 0.6));
    },
    rules: ['decode'],
  },
  {
    // Valid JPEG magic and then zeros: a decode attempt would fail, so a lone file_size proves
    // the file was turned away before decoding.
    name: 'the file is 6 MB',
    make: () =>
      Promise.resolve(
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(6 * 1024 * 1024)]),
      ),
    rules: ['file_size'],
  },
  {
    name: 'the file is 1 KB of unknown bytes',
    make: () => Promise.resolve(new Uint8Array(1024).fill(0x41)),
    rules: ['file_size', 'format'],
  },
];

/** A selfie: any JPEG will do for the development identity check. */
export const SELFIE = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1,
]).toString('base64');
