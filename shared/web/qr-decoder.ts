/// <reference types="vite/client" />
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { GreyPixels, RgbaPixels } from '../qr-reader.js';

/**
 * Reads QR codes from pixels: the platform's BarcodeDetector where it reads QR, else zxing-cpp
 * in WebAssembly (shared/qr-reader.ts), whose .wasm the build copies into the app's assets and
 * its service worker keeps offline; it is fetched from the app's own origin, never a CDN.
 */
export interface QrDecoder {
  readonly kind: 'BarcodeDetector' | 'zxing-cpp';
  /** The text of the first QR code in `canvas`, or undefined. */
  decode(canvas: HTMLCanvasElement, context: CanvasRenderingContext2D): Promise<string | undefined>;
  /**
   * The text of the first QR code in these pixels (RGBA, or grey: one byte a pixel), or
   * undefined: a reader of pixels (zxing-cpp) has it; BarcodeDetector reads only a picture drawn.
   */
  readonly decodePixels?: (pixels: RgbaPixels | GreyPixels) => Promise<string | undefined>;
}

interface DetectedBarcode {
  readonly rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

/**
 * The best decoder this browser has. The WebAssembly reader is loaded (its own chunk and .wasm,
 * fetched only on a browser without BarcodeDetector) and compiled before this resolves, so the
 * first camera frame is not the slow one.
 * @throws {Error} when the reader cannot be loaded (its file is missing from the build).
 */
export async function createQrDecoder(): Promise<QrDecoder> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (Detector !== undefined) {
    try {
      if ((await Detector.getSupportedFormats()).includes('qr_code')) {
        const detector = new Detector({ formats: ['qr_code'] });
        return {
          kind: 'BarcodeDetector',
          async decode(canvas) {
            const found = await detector.detect(canvas);
            return found[0]?.rawValue;
          },
        };
      }
    } catch {
      // Fall back to zxing-cpp.
    }
  }
  const { readQrPixels, useQrReaderWasm } = await import('../qr-reader.js');
  await useQrReaderWasm({ url: new URL(wasmUrl, document.baseURI).href });
  return {
    kind: 'zxing-cpp',
    decode(canvas, context) {
      return readQrPixels(context.getImageData(0, 0, canvas.width, canvas.height));
    },
    decodePixels: readQrPixels,
  };
}

/** Reads an image file (a photo or screenshot of a code), inverted codes too. */
export async function decodeImageFile(file: Blob, decoder: QrDecoder): Promise<string | undefined> {
  const bitmap = await createImageBitmap(file);
  try {
    // Big photos are scaled down: a QR needs a few pixels a module, not 48 megapixels.
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (context === null) return undefined;
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    // zxing-cpp tries the inverted code itself (QR_READER_OPTIONS.tryInvert).
    return await decoder.decode(canvas, context);
  } finally {
    bitmap.close();
  }
}
