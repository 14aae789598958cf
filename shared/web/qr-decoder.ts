import jsQR from 'jsqr';

/** Reads QR codes from pixels: the platform's BarcodeDetector where it reads QR, else jsQR. */
export interface QrDecoder {
  readonly kind: 'BarcodeDetector' | 'jsQR';
  /** The text of the first QR code in `canvas`, or undefined. */
  decode(canvas: HTMLCanvasElement, context: CanvasRenderingContext2D): Promise<string | undefined>;
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

/** The best decoder this browser has. */
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
      // Fall back to jsQR.
    }
  }
  return {
    kind: 'jsQR',
    decode(canvas, context) {
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      // A screen shows dark modules on light; an inverted code is tried only for picked images.
      const code = jsQR(image.data, image.width, image.height, {
        inversionAttempts: 'dontInvert',
      });
      return Promise.resolve(code?.data);
    },
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
    const found = await decoder.decode(canvas, context);
    if (found !== undefined || decoder.kind !== 'jsQR') return found;
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    // Not 'onlyInvert': jsQR 1.4 throws with it on an image holding no code at all, which made a
    // plain photo read as an unreadable file rather than as one without a code.
    return jsQR(image.data, image.width, image.height, { inversionAttempts: 'invertFirst' })?.data;
  } finally {
    bitmap.close();
  }
}
