/**
 * The EXIF date the driver's app carries from a photo into the smaller copy it makes on the
 * phone (issuer/web/app/jpeg-date.ts), read back by the service's own readers (sharp,
 * exif-reader, the pre-check), and the scale of that copy (photo-fit.ts).
 */
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { precheckPhoto } from '../../../issuer/application/photo-precheck.js';
import { exifDateOf, withExifDate } from '../../../issuer/web/app/jpeg-date.js';
import { fittedScale } from '../../../issuer/web/app/photo-fit.js';
import { portraitJpeg, portraitPixels, raw } from '../photos.js';

describe('the EXIF date of a photo', () => {
  it('when the phone writes a date into a JPEG, then the service reads it as DateTimeOriginal and DateTime, and the pre-check dates the photo by it (China time)', async () => {
    const jpeg = await portraitJpeg();
    const dated = withExifDate(jpeg, '2025:03:01 09:30:00');
    const meta = await sharp(dated).metadata();
    const tags = exifReader(meta.exif ?? Buffer.alloc(0));
    const checked = await precheckPhoto(dated);
    expect({
      original: tags.Photo?.DateTimeOriginal?.toISOString(),
      dateTime: tags.Image?.DateTime?.toISOString(),
      size: [meta.width, meta.height],
      takenAt: checked.ok ? checked.takenAt : checked.failures,
      back: exifDateOf(dated),
    }).toEqual({
      original: '2025-03-01T09:30:00.000Z',
      dateTime: '2025-03-01T09:30:00.000Z',
      size: [600, 800],
      takenAt: Date.UTC(2025, 2, 1, 1, 30) / 1000,
      back: '2025:03:01 09:30:00',
    });
  });

  it('when a camera wrote DateTimeOriginal and DateTime, then the phone reads DateTimeOriginal', async () => {
    const jpeg = await raw(portraitPixels(600, 800), 600, 800)
      .withExif({
        IFD0: { DateTime: '2025:05:05 12:00:00', Make: 'Phone' },
        IFD2: { DateTimeOriginal: '2025:04:30 08:15:42' },
      })
      .jpeg()
      .toBuffer();
    expect(exifDateOf(jpeg)).toBe('2025:04:30 08:15:42');
  });

  it('when only DateTime is there, then the phone reads DateTime', async () => {
    const jpeg = await portraitJpeg(255, { takenAt: new Date(Date.UTC(2024, 11, 31, 16, 0, 5)) });
    expect(exifDateOf(jpeg)).toBe('2025:01:01 00:00:05');
  });

  it.each([
    ['a JPEG without EXIF', async () => portraitJpeg()],
    ['a PNG', async () => raw(portraitPixels(60, 80), 60, 80).png().toBuffer()],
    [
      'a JPEG cut inside its EXIF segment',
      async () => (await portraitJpeg(255, { takenAt: new Date() })).subarray(0, 40),
    ],
    ['no bytes', () => Promise.resolve(Buffer.alloc(0))],
  ])('when the file is %s, then no date (and no throw)', async (_name, make) => {
    expect(exifDateOf(await make())).toBeUndefined();
  });

  it('when the date is not YYYY:MM:DD HH:MM:SS, or the bytes no JPEG, then RangeError', async () => {
    const jpeg = await portraitJpeg();
    expect(() => withExifDate(jpeg, '2025-03-01 09:30:00')).toThrow(RangeError);
    expect(() => withExifDate(new Uint8Array([0x89, 0x50]), '2025:03:01 09:30:00')).toThrow(
      RangeError,
    );
  });
});

describe('the size of the copy made on the phone', () => {
  it.each([
    [4000, 3000, 0.32, [1280, 960]],
    [3000, 4000, 0.32, [960, 1280]],
    [600, 800, 1, [600, 800]],
    [300, 400, 1, [300, 400]],
    // Long and narrow: the longer side would take the width below 358 px; the floor holds it.
    [1000, 4000, 0.358, [358, 1432]],
  ])('when a photo is %i×%i, then it is drawn at scale %f', (w, h, scale, size) => {
    const s = fittedScale(w, h);
    expect([Number(s.toFixed(3)), [Math.round(w * s), Math.round(h * s)]]).toEqual([scale, size]);
  });
});
