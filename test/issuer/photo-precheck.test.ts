import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PRECHECK_LIMITS,
  precheckPhoto,
  type PrecheckResult,
  type PrecheckRule,
} from '../../issuer/application/photo-precheck.js';
import { noisePixels, portraitPixels, raw, REJECTED_PHOTOS } from './photos.js';

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

  for (const c of REJECTED_PHOTOS) {
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
