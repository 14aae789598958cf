import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readFileBytes, UsageError } from '../../shared/cli/command.js';
import { useInstalledQrReader } from '../../shared/node/qr-reader-wasm.js';
import { readQrPixels } from '../../shared/qr-reader.js';

/** Largest image read: a 48-megapixel photo. */
const MAX_PIXELS = 48_000_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Decodes the QR code in a PNG or JPEG image: pngjs or jpeg-js for the pixels, then zxing-cpp
 * (shared/qr-reader.ts, its WebAssembly loaded from node_modules), which also reads an inverted
 * code. The format is sniffed from the bytes, not the file name.
 * @throws {UsageError} when the file is not a PNG or JPEG, is too large, or holds no QR code.
 */
export async function readQrImage(path: string): Promise<string> {
  const bytes = await readFileBytes(path);
  if (bytes.length > MAX_FILE_BYTES)
    throw new UsageError(
      `${path}: expected an image of at most 64 MB, found ${bytes.length} bytes`,
    );
  const { width, height, data } = decodeImage(bytes, path);
  await useInstalledQrReader();
  const text = await readQrPixels({
    width,
    height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
  });
  if (text === undefined)
    throw new UsageError(`${path}: expected an image with a QR code, found none that decodes`);
  return text;
}

function decodeImage(
  bytes: Buffer,
  path: string,
): { width: number; height: number; data: Uint8Array } {
  const isPng = bytes
    .subarray(0, 8)
    .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg)
    throw new UsageError(
      `${path}: expected a PNG or JPEG image, found ${bytes.length === 0 ? 'an empty file' : 'neither (by its first bytes)'}`,
    );
  // The size from the header, before a pixel is decoded: a small file can hold a picture of
  // gigabytes (a 1 MB PNG of 30000×30000 took 5 GB and 19 s to refuse, decoded first).
  const size = isPng ? pngSize(bytes) : jpegSize(bytes);
  if (size !== undefined && size.width * size.height > MAX_PIXELS)
    throw new UsageError(
      `${path}: expected at most ${MAX_PIXELS / 1e6} megapixels, found ${size.width}×${size.height}`,
    );
  try {
    if (isPng) return PNG.sync.read(bytes);
    return jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_PIXELS / 1e6,
      maxMemoryUsageInMB: 1024,
    });
  } catch {
    throw new UsageError(
      `${path}: expected a valid ${isPng ? 'PNG' : 'JPEG'} image, found one that does not decode`,
    );
  }
}

interface Size {
  readonly width: number;
  readonly height: number;
}

/** A PNG's size, from the IHDR chunk that must come first (PNG §11.2.2); undefined without one. */
function pngSize(bytes: Buffer): Size | undefined {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * A JPEG's size, from its frame header (a SOF marker: C0–CF but C4, C8 and CC); undefined when
 * the markers before it do not read, and jpeg-js, which has its own limit, decides.
 */
function jpegSize(bytes: Buffer): Size | undefined {
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // a fill byte
    } else if (
      marker >= 0xc0 &&
      marker <= 0xcf &&
      marker !== 0xc4 &&
      marker !== 0xc8 &&
      marker !== 0xcc
    ) {
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    } else if (marker === 0xd9 || marker === 0xda) {
      return undefined; // the image ends, or its data starts, before any frame header
    } else {
      at += 2 + bytes.readUInt16BE(at + 2);
    }
  }
  return undefined;
}
