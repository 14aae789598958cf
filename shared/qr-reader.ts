/**
 * Reads the QR code in a picture's pixels with zxing-cpp compiled to WebAssembly (the npm
 * package zxing-wasm, its reader-only build), for the web apps (shared/web/qr-decoder.ts, where
 * the browser has no BarcodeDetector) and the command line (verify --image). zxing-cpp reads
 * codes that jsQR misses: a screen's moiré, a perspective skew, low contrast.
 *
 * Where the WebAssembly comes from is said once with `useQrReaderWasm` before the first read:
 * zxing-wasm would otherwise fetch it from a CDN, which the apps must never do (they work
 * offline and their Content-Security-Policy allows only their own origin).
 */
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';

/**
 * How every picture is read: QR codes only, the first one found. `tryHarder` and `tryDownscale`
 * (a second look at a smaller copy of a large picture) read the screen moiré; `tryInvert` a
 * light-on-dark code. `tryRotate` only helps linear barcodes (a QR code's finder patterns are
 * found at any angle) and would double the time spent on a frame without a code.
 */
export const QR_READER_OPTIONS: Readonly<ReaderOptions> = {
  formats: ['QRCode'],
  maxNumberOfSymbols: 1,
  tryHarder: true,
  tryDownscale: true,
  tryInvert: true,
  tryRotate: false,
};

/** A picture's pixels: `width × height`, four bytes each (R, G, B, A), as an ImageData's. */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/**
 * A picture's luminance: `width × height` bytes, one a pixel (a camera frame's Y plane, as
 * WebCodecs hands it over).
 */
export interface GreyPixels {
  readonly width: number;
  readonly height: number;
  readonly grey: Uint8Array;
}

/** Where the reader's WebAssembly comes from: a URL of the app's own origin, or its bytes. */
export type QrReaderWasm = { readonly url: string } | { readonly bytes: Uint8Array };

let prepared: Promise<unknown> | undefined;

/**
 * Loads the reader's WebAssembly from `wasm` (once; later calls return the first load). Awaiting
 * it is optional: a read waits for it. Rejects when the module cannot be loaded or compiled
 * (the file is missing, or a Content-Security-Policy forbids WebAssembly).
 */
export function useQrReaderWasm(wasm: QrReaderWasm): Promise<unknown> {
  prepared ??= prepareZXingModule({
    overrides:
      'url' in wasm
        ? {
            locateFile: (path: string, prefix: string) =>
              path.endsWith('.wasm') ? wasm.url : prefix + path,
          }
        : { wasmBinary: wasm.bytes.slice().buffer },
    fireImmediately: true,
  });
  return prepared;
}

/**
 * The text of the QR code in `pixels`, or undefined when there is none that decodes.
 * @throws {Error} before `useQrReaderWasm` was called (rather than fetching it from elsewhere).
 */
export async function readQrPixels(pixels: RgbaPixels | GreyPixels): Promise<string | undefined> {
  if (prepared === undefined)
    throw new Error('qr-reader: expected useQrReaderWasm() before the first read, found none');
  await prepared;
  // zxing-wasm takes any { width, height, data } as ImageData (it reads those three only).
  const image = 'grey' in pixels ? greyAsRgba(pixels) : pixels;
  const found = await readBarcodes(image as ImageData, QR_READER_OPTIONS);
  return found.find((r) => r.isValid)?.text;
}

/**
 * Each grey as one RGBA pixel (R = G = B = the grey, opaque) in the platform's byte order: the
 * 256 of them written as bytes and read as 32-bit words.
 */
const GREY_AS_RGBA = new Uint32Array(
  Uint8Array.from({ length: 1024 }, (_, i) => (i % 4 === 3 ? 255 : i >> 2)).buffer,
);

/**
 * Grey pixels as RGBA, which zxing-wasm turns back into exactly that grey (its weights sum to
 * 1024/1024). Its one way in for raw pixels is RGBA.
 */
function greyAsRgba({ width, height, grey }: GreyPixels): RgbaPixels {
  const n = width * height;
  if (grey.length < n)
    throw new RangeError(
      `grey pixels: expected ${n} bytes for ${width}×${height}, found ${grey.length}`,
    );
  // A new buffer each time: zxing-wasm reads it only after an await, when another read could
  // have filled a shared one. One 32-bit store a pixel.
  const words = new Uint32Array(n);
  for (let i = 0; i < n; i++) words[i] = GREY_AS_RGBA[grey[i] as number] as number;
  return { width, height, data: new Uint8ClampedArray(words.buffer) };
}
