import { createHash } from 'node:crypto';
import sharp from 'sharp';

type Pipeline = ReturnType<typeof sharp>;
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PRECHECK_LIMITS,
  precheckPhoto,
  type PrecheckResult,
  type PrecheckRule,
} from '../../issuer/application/photo-precheck.js';

// Real image files, generated here with sharp. Noise comes from a seeded generator so every run
// encodes the same bytes.
function seededNoise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
}

/**
 * A "person": a white background with a dark, textured ellipse in the middle (the texture keeps
 * the JPEG above the 20 KB minimum, as a real face would). `background` is the grey level.
 */
function portraitPixels(width: number, height: number, background = 255): Buffer {
  const next = seededNoise(width * 7 + height);
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
function noisePixels(width: number, height: number): Buffer {
  const next = seededNoise(42);
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = next();
  return pixels;
}

function raw(pixels: Buffer, width: number, height: number): Pipeline {
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

function rules(result: PrecheckResult): PrecheckRule[] {
  return result.ok ? [] : result.failures.map((f) => f.rule);
}

function failure(result: PrecheckResult, rule: PrecheckRule) {
  if (result.ok) throw new Error(`expected a failed pre-check, got ok`);
  const found = result.failures.find((f) => f.rule === rule);
  if (found === undefined) throw new Error(`expected rule ${rule} among the failures`);
  return found;
}

function expectWellFormedFailures(result: PrecheckResult): void {
  if (result.ok) return;
  for (const f of result.failures) {
    expect(typeof f.expected).toBe('string');
    expect(typeof f.found).toBe('string');
    expect(f.expected.length).toBeGreaterThan(0);
    expect(f.found.length).toBeGreaterThan(0);
  }
}

let passingJpeg: Buffer;

beforeAll(async () => {
  passingJpeg = await raw(portraitPixels(600, 800), 600, 800).jpeg({ quality: 90 }).toBuffer();
});

describe('precheckPhoto', () => {
  it('when the photo is a white-background 600×800 portrait JPEG, then it passes re-encoded', async () => {
    expect(passingJpeg.byteLength).toBeGreaterThan(DEFAULT_PRECHECK_LIMITS.minBytes);
    const result = await precheckPhoto(passingJpeg);
    if (!result.ok) throw new Error(JSON.stringify(result.failures));
    expect(result.width).toBe(600);
    expect(result.height).toBe(800);
    expect(result.image.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(result.sha256).toBe(createHash('sha256').update(result.image).digest('base64url'));
    expect(result.sha256).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('when the photo is a white-background portrait PNG, then it passes as a JPEG', async () => {
    const png = await raw(portraitPixels(600, 800), 600, 800).png().toBuffer();
    const result = await precheckPhoto(new Uint8Array(png));
    if (!result.ok) throw new Error(JSON.stringify(result.failures));
    expect((await sharp(result.image).metadata()).format).toBe('jpeg');
  });

  const negatives: readonly {
    name: string;
    make: () => Promise<Uint8Array>;
    rules: readonly PrecheckRule[];
  }[] = [
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
      make: () => {
        return raw(noisePixels(100, 120), 100, 120)
          .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
          .toBuffer();
      },
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
      make: () =>
        Promise.resolve(passingJpeg.subarray(0, Math.floor(passingJpeg.byteLength * 0.6))),
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

  for (const c of negatives) {
    it(`when ${c.name}, then it fails ${c.rules.join(' + ')}`, async () => {
      const result = await precheckPhoto(await c.make());
      expect(result.ok).toBe(false);
      expect(rules(result)).toEqual(c.rules);
      expectWellFormedFailures(result);
    });
  }

  it('when the file is a PDF, then format reports found "PDF"', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(30_000, 0x20)]);
    expect(failure(await precheckPhoto(pdf), 'format')).toEqual({
      rule: 'format',
      expected: 'JPEG or PNG',
      found: 'PDF',
    });
    const other = Buffer.concat([Buffer.from('hello'), Buffer.alloc(30_000)]);
    expect(failure(await precheckPhoto(other), 'format').found).toBe('unknown');
  });

  it('when the photo is small noise, then dimensions and background name what was found', async () => {
    const jpeg = await raw(noisePixels(100, 120), 100, 120)
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .toBuffer();
    expect(jpeg.byteLength).toBeGreaterThan(DEFAULT_PRECHECK_LIMITS.minBytes);
    const result = await precheckPhoto(jpeg);
    expect(failure(result, 'dimensions').found).toBe('100×120 px');
    expect(failure(result, 'dimensions').expected).toContain('358×441');
  });

  it('when the grey background is allowed by the limits, then it passes', async () => {
    const grey = await raw(portraitPixels(600, 800, 0x88), 600, 800)
      .jpeg()
      .toBuffer();
    expect(rules(await precheckPhoto(grey, { minBorderLuminance: 100 }))).toEqual([]);
  });

  it('when EXIF orientation 6 turns an 800×600 JPEG into a portrait, then it passes as 600×800 without EXIF', async () => {
    // Stored sideways: the portrait rotated 90° anticlockwise, so orientation 6 (rotate 90°
    // clockwise to display) restores it.
    const jpeg = await raw(portraitPixels(600, 800), 600, 800)
      .rotate(-90)
      .jpeg({ quality: 90 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const input = await sharp(jpeg).metadata();
    expect([input.width, input.height, input.orientation]).toEqual([800, 600, 6]);

    const result = await precheckPhoto(jpeg);
    if (!result.ok) throw new Error(JSON.stringify(result.failures));
    expect([result.width, result.height]).toEqual([600, 800]);
    const output = await sharp(result.image).metadata();
    expect([output.width, output.height]).toEqual([600, 800]);
    expect(output.exif).toBeUndefined();
    expect(output.orientation).toBeUndefined();
  });

  it('when the input carries EXIF, GPS, an ICC profile and a comment, then the output has none of them', async () => {
    const marker = 'PRECHECK-MARKER-5e1f';
    const jpeg = await raw(portraitPixels(600, 800), 600, 800)
      .jpeg({ quality: 90 })
      .withIccProfile('p3')
      .withExif({
        IFD0: { ImageDescription: marker, Copyright: marker },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1' },
      })
      .toBuffer();
    const withComment = insertJpegComment(jpeg, marker);
    const input = await sharp(withComment).metadata();
    expect(input.exif).toBeDefined();
    expect(input.icc).toBeDefined();
    expect(withComment.includes(marker)).toBe(true);

    const result = await precheckPhoto(withComment);
    if (!result.ok) throw new Error(JSON.stringify(result.failures));
    const output = await sharp(result.image).metadata();
    expect(output.exif).toBeUndefined();
    expect(output.icc).toBeUndefined();
    expect(output.xmp).toBeUndefined();
    expect(output.comments ?? []).toEqual([]);
    expect(result.image.includes(marker)).toBe(false);
  });

  it('when a limit is not a positive number or a range is inverted, then it throws RangeError', async () => {
    await expect(precheckPhoto(passingJpeg, { minBytes: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(precheckPhoto(passingJpeg, { minAspect: 0.9 })).rejects.toBeInstanceOf(RangeError);
    await expect(precheckPhoto(passingJpeg, { outputQuality: 101 })).rejects.toBeInstanceOf(
      RangeError,
    );
  });

  it('when the input is not a Uint8Array, then it throws TypeError', async () => {
    await expect(precheckPhoto('photo.jpg' as unknown as Uint8Array)).rejects.toBeInstanceOf(
      TypeError,
    );
  });
});

/** Inserts a JPEG COM segment (ITU-T T.81 §B.2.4.5) right after SOI. */
function insertJpegComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(body.byteLength + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]);
}
