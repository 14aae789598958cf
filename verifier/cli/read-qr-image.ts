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
  try {
    if (isPng) {
      const png = PNG.sync.read(bytes);
      if (png.width * png.height > MAX_PIXELS)
        throw new UsageError(
          `${path}: expected at most 48 megapixels, found ${png.width}×${png.height}`,
        );
      return png;
    }
    if (isJpeg) {
      return jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_PIXELS / 1e6,
        maxMemoryUsageInMB: 1024,
      });
    }
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(
      `${path}: expected a valid ${isPng ? 'PNG' : 'JPEG'} image, found one that does not decode`,
    );
  }
  throw new UsageError(`${path}: expected a PNG or JPEG image, found neither (by its first bytes)`);
}
