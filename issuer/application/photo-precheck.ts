import { createHash } from 'node:crypto';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { PHOTO_LIMITS } from './photo-limits.js';

/**
 * Automatic pre-check of a photo uploaded by a driver who has no compliant stored photo
 * (docs/DOMAIN.md §1.5, flows 2 and 3). It rejects obvious failures at once, with the reason;
 * whatever passes still goes to staff review. The numbers are *unconfirmed* limits, so every one of
 * them is configurable through {@link PrecheckLimits}.
 */

/** Stable ids of the pre-check rules, in the order they are reported. */
export type PrecheckRule =
  'file_size' | 'format' | 'decode' | 'dimensions' | 'proportions' | 'background' | 'photo_age';

/** One failed rule: what was expected and what was found. Never holds file names or personal data. */
export interface PrecheckFailure {
  readonly rule: PrecheckRule;
  readonly expected: string;
  readonly found: string;
}

/** A photo that passed the pre-check, re-encoded and ready for staff review. */
export interface PrecheckPassed {
  readonly ok: true;
  /** JPEG, EXIF orientation applied, all metadata (EXIF, GPS, ICC, comments) stripped. */
  readonly image: Buffer;
  readonly width: number;
  readonly height: number;
  /** SHA-256 of `image`, base64url without padding. */
  readonly sha256: string;
  /**
   * When the photo was taken (seconds since the epoch), from the EXIF DateTimeOriginal of the
   * upload read as China time; null when the file does not say (the reviewer then judges).
   */
  readonly takenAt: number | null;
}

/** A photo that failed: every failing rule, except that an unreadable file stops early. */
export interface PrecheckRejected {
  readonly ok: false;
  readonly failures: readonly PrecheckFailure[];
}

/** Result of {@link precheckPhoto}. */
export type PrecheckResult = PrecheckPassed | PrecheckRejected;

/** Limits of the pre-check. All sizes are in bytes or pixels, luminance on a 0–255 scale. */
export interface PrecheckLimits {
  /** Smallest accepted file. Anything smaller is a thumbnail or a screenshot of one. */
  readonly minBytes: number;
  /** Largest accepted file; a larger one is rejected before any decoding. */
  readonly maxBytes: number;
  /** Smallest accepted width after orientation: the ID photo standard 358×441 at 350 dpi. */
  readonly minWidth: number;
  /** Smallest accepted height after orientation. */
  readonly minHeight: number;
  /** Largest accepted width or height. */
  readonly maxSide: number;
  /** Hard cap on decoded pixels, passed to sharp so a decompression bomb cannot exhaust memory. */
  readonly maxInputPixels: number;
  /**
   * Narrowest accepted width/height ratio. The ID photo is 33×48 mm ≈ 0.69; the range
   * 0.65–0.85 admits that and a typical 3:4 phone portrait (0.75) while rejecting landscape.
   */
  readonly minAspect: number;
  /** Widest accepted width/height ratio. */
  readonly maxAspect: number;
  /** Depth of the sampled border band, as a fraction of the image width (sides) or height (top). */
  readonly borderFraction: number;
  /**
   * How far down the side bands are sampled, as a fraction of the height. The bottom of a
   * compliant ID photo is filled by the shoulders in dark clothes (the app's own guidance), so
   * the bottom band and the lower sides are not background.
   */
  readonly sideBandDepth: number;
  /** Width the image is reduced to before the border is sampled, for speed. */
  readonly sampleWidth: number;
  /** Lowest accepted mean luminance of the border: a white background is light. */
  readonly minBorderLuminance: number;
  /** Highest accepted standard deviation of the border luminance: a plain background is even. */
  readonly maxBorderStdDev: number;
  /** JPEG quality of the re-encoded output. */
  readonly outputQuality: number;
}

/** Default limits. */
export const DEFAULT_PRECHECK_LIMITS: Readonly<PrecheckLimits> = Object.freeze({
  // The numbers the driver's app fits a photo to before sending it, from one place.
  ...PHOTO_LIMITS,
  maxInputPixels: 40_000_000,
  borderFraction: 0.06,
  sideBandDepth: 0.5,
  sampleWidth: 120,
  minBorderLuminance: 200,
  maxBorderStdDev: 18,
  outputQuality: 90,
});

/**
 * Pre-checks an uploaded photo and, when it passes, returns it re-encoded as a clean JPEG.
 *
 * Rules, in order: `file_size` (a file over the maximum is rejected before decoding), `format`
 * (JPEG or PNG, sniffed from the magic bytes only), `decode` (sharp must decode the whole file;
 * a truncated file fails), `dimensions`, `proportions` and `background` (the top band and the
 * upper side bands must be light and even). An unreadable file stops at `format` or `decode`;
 * otherwise every failing rule is reported.
 *
 * @param bytes - the uploaded file; its name and declared type are deliberately not taken.
 * @param options - overrides of {@link DEFAULT_PRECHECK_LIMITS}.
 * @throws TypeError when `bytes` is not a Uint8Array.
 * @throws RangeError when a limit is not a finite positive number or a range is inverted.
 */
export async function precheckPhoto(
  bytes: Uint8Array,
  options: Partial<PrecheckLimits> = {},
): Promise<PrecheckResult> {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('precheckPhoto: expected bytes as a Uint8Array');
  }
  const limits = resolveLimits(options);
  const failures: PrecheckFailure[] = [];

  if (bytes.byteLength < limits.minBytes || bytes.byteLength > limits.maxBytes) {
    failures.push({
      rule: 'file_size',
      expected: `${limits.minBytes}–${limits.maxBytes} bytes`,
      found: `${bytes.byteLength} bytes`,
    });
  }
  const format = sniffFormat(bytes);
  if (format !== 'JPEG' && format !== 'PNG') {
    failures.push({ rule: 'format', expected: 'JPEG or PNG', found: format });
  }
  // Nothing past this point may touch an oversized or foreign file.
  if (bytes.byteLength > limits.maxBytes || failures.some((f) => f.rule === 'format')) {
    return { ok: false, failures };
  }

  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let image: Buffer;
  let width: number;
  let height: number;
  let takenAt: number | null;
  try {
    takenAt = dateTaken((await sharp(input).metadata()).exif);
    // rotate() applies the EXIF orientation; without withMetadata() sharp writes no EXIF,
    // XMP, IPTC, comment or ICC profile, and converts to sRGB.
    const out = await sharp(input, { limitInputPixels: limits.maxInputPixels, failOn: 'truncated' })
      .rotate()
      .jpeg({ quality: limits.outputQuality })
      .toBuffer({ resolveWithObject: true });
    image = out.data;
    width = out.info.width;
    height = out.info.height;
  } catch {
    // sharp's message may echo internals; the rule and the sniffed format are enough.
    failures.push({
      rule: 'decode',
      expected: `a complete ${format} image of at most ${limits.maxInputPixels} pixels`,
      found: 'a file that could not be decoded',
    });
    return { ok: false, failures };
  }

  if (
    width < limits.minWidth ||
    height < limits.minHeight ||
    width > limits.maxSide ||
    height > limits.maxSide
  ) {
    failures.push({
      rule: 'dimensions',
      expected: `at least ${limits.minWidth}×${limits.minHeight} px and at most ${limits.maxSide} px on each side`,
      found: `${width}×${height} px`,
    });
  }
  const aspect = width / height;
  if (aspect < limits.minAspect || aspect > limits.maxAspect) {
    failures.push({
      rule: 'proportions',
      expected: `portrait, width/height ${limits.minAspect}–${limits.maxAspect}`,
      found: `${aspect > 1 ? 'landscape' : aspect === 1 ? 'square' : 'portrait'}, width/height ${aspect.toFixed(3)}`,
    });
  }
  const border = await borderLuminance(image, limits);
  if (border.mean < limits.minBorderLuminance || border.stdDev > limits.maxBorderStdDev) {
    failures.push({
      rule: 'background',
      expected: `border mean luminance ≥ ${limits.minBorderLuminance} and standard deviation ≤ ${limits.maxBorderStdDev} (0–255)`,
      found: `mean ${border.mean.toFixed(1)}, standard deviation ${border.stdDev.toFixed(1)}`,
    });
  }

  if (failures.length > 0) return { ok: false, failures };
  return {
    ok: true,
    image,
    width,
    height,
    sha256: createHash('sha256').update(image).digest('base64url'),
    takenAt,
  };
}

/** China Standard Time, UTC+8: EXIF times carry no zone, and these photos are taken in China. */
const CHINA_OFFSET_SECONDS = 8 * 3600;

/**
 * The EXIF DateTimeOriginal (or, failing that, DateTime) of the upload, in seconds since the
 * epoch; null when there is no EXIF, no date, or the EXIF block cannot be read.
 */
function dateTaken(exif: Buffer | undefined): number | null {
  if (exif === undefined) return null;
  try {
    const tags = exifReader(exif);
    const when = tags.Photo?.DateTimeOriginal ?? tags.Image?.DateTime;
    if (!(when instanceof Date) || Number.isNaN(when.getTime())) return null;
    // exif-reader reads the zone-less text as UTC.
    return Math.floor(when.getTime() / 1000) - CHINA_OFFSET_SECONDS;
  } catch {
    return null;
  }
}

type SniffedFormat = 'JPEG' | 'PNG' | 'PDF' | 'GIF' | 'WebP' | 'HEIF' | 'unknown';

const JPEG_MAGIC = [0xff, 0xd8, 0xff] as const;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Names the format from the leading bytes only; the non-accepted ones just make `found` useful. */
function sniffFormat(bytes: Uint8Array): SniffedFormat {
  const startsWith = (magic: readonly number[], at = 0): boolean =>
    bytes.byteLength >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
  const ascii = (text: string, at = 0): boolean => startsWith([...Buffer.from(text, 'latin1')], at);
  if (startsWith(JPEG_MAGIC)) return 'JPEG';
  if (startsWith(PNG_MAGIC)) return 'PNG';
  if (ascii('%PDF-')) return 'PDF';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'GIF';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'WebP';
  // ISO BMFF: box size, then "ftyp" and a brand; phones save HEIC album photos this way.
  if (['heic', 'heix', 'mif1', 'msf1', 'avif'].some((brand) => ascii(`ftyp${brand}`, 4))) {
    return 'HEIF';
  }
  return 'unknown';
}

/**
 * Mean and standard deviation of the luminance over the top band and the upper part of the side
 * bands, sampled on the oriented image reduced to `sampleWidth` pixels wide.
 */
async function borderLuminance(
  image: Buffer,
  limits: PrecheckLimits,
): Promise<{ mean: number; stdDev: number }> {
  const { data, info } = await sharp(image)
    .resize({ width: limits.sampleWidth, withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: w, height: h, channels } = info;
  const bandX = Math.max(1, Math.ceil(w * limits.borderFraction));
  const bandY = Math.max(1, Math.ceil(h * limits.borderFraction));
  const sideBottom = Math.max(bandY, Math.ceil(h * limits.sideBandDepth));
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let y = 0; y < sideBottom; y++) {
    for (let x = 0; x < w; x++) {
      if (y >= bandY && x >= bandX && x < w - bandX) continue;
      const v = data[(y * w + x) * channels] ?? 0;
      n++;
      sum += v;
      sumSquares += v * v;
    }
  }
  const mean = sum / n;
  return { mean, stdDev: Math.sqrt(Math.max(0, sumSquares / n - mean * mean)) };
}

function resolveLimits(options: Partial<PrecheckLimits>): PrecheckLimits {
  const limits: PrecheckLimits = { ...DEFAULT_PRECHECK_LIMITS, ...options };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`precheckPhoto: expected ${name} to be a finite positive number`);
    }
  }
  const ordered: readonly [keyof PrecheckLimits, keyof PrecheckLimits][] = [
    ['minBytes', 'maxBytes'],
    ['minWidth', 'maxSide'],
    ['minHeight', 'maxSide'],
    ['minAspect', 'maxAspect'],
  ];
  for (const [low, high] of ordered) {
    if (limits[low] > limits[high]) {
      throw new RangeError(`precheckPhoto: expected ${low} ≤ ${high}`);
    }
  }
  // sharp throws on these; caught by the decode step they would pass for a bad photo.
  if (
    limits.borderFraction >= 0.5 ||
    limits.sideBandDepth > 1 ||
    !Number.isInteger(limits.sampleWidth) ||
    !Number.isInteger(limits.maxInputPixels) ||
    !Number.isInteger(limits.outputQuality) ||
    limits.outputQuality > 100
  ) {
    throw new RangeError(
      'precheckPhoto: expected borderFraction < 0.5, sideBandDepth ≤ 1, integer sampleWidth and maxInputPixels, integer outputQuality ≤ 100',
    );
  }
  return limits;
}
