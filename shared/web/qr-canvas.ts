/*
 * Draws a QR of the format's texts on a canvas: shared/qr.ts's segments (the prefix
 * alphanumeric, the digits numeric) at ECC M, a 4-module quiet zone, whole device pixels per
 * module so that a camera sees sharp edges.
 */
import QRCode from 'qrcode';
import { presentationSegments, QR_ERROR_CORRECTION } from '../qr.js';

/** Modules of quiet zone on each side (ISO/IEC 18004 §6.3.8). */
const QUIET_ZONE = 4;

/** The symbol of `text`: shared/qr.ts's segments at ECC M. */
export function encodeQr(text: string): QRCode.QRCode {
  return QRCode.create(presentationSegments(text), {
    errorCorrectionLevel: QR_ERROR_CORRECTION,
  });
}

/**
 * Draws `text` on `canvas`, as large as fits in `maxSize` CSS pixels.
 * @returns the QR version used.
 */
export function drawQr(
  canvas: HTMLCanvasElement,
  text: string,
  maxSize: number,
  colour = '#000000',
): number {
  return drawQrSymbol(canvas, encodeQr(text), maxSize, colour);
}

/** The canvas a symbol is first drawn on at one pixel a module; one for the page. */
let symbolCanvas: { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } | undefined;

/**
 * Draws a symbol made by {@link encodeQr} on `canvas`, as large as fits in `maxSize` CSS pixels,
 * dark modules in `colour` (an opaque CSS colour) on white.
 * @returns the QR version used.
 * @throws {RangeError} when `colour` is not opaque.
 */
export function drawQrSymbol(
  canvas: HTMLCanvasElement,
  qr: QRCode.QRCode,
  maxSize: number,
  colour = '#000000',
): number {
  const modules = qr.modules.size;
  const total = modules + 2 * QUIET_ZONE;
  const ratio = window.devicePixelRatio || 1;
  const scale = Math.max(1, Math.floor((maxSize * ratio) / total));
  const side = total * scale;
  canvas.width = side;
  canvas.height = side;
  canvas.style.width = `${side / ratio}px`;
  canvas.style.height = `${side / ratio}px`;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('canvas: no 2D context');
  // The canvas says an opaque colour as #rrggbb, whatever way it was written.
  ctx.fillStyle = colour;
  const dark = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(ctx.fillStyle);
  if (dark === null) throw new RangeError(`colour: expected an opaque colour, found ${colour}`);
  const [r, g, b] = dark.slice(1).map((hex) => parseInt(hex, 16)) as [number, number, number];
  // The symbol at one pixel a module, then scaled up whole without smoothing: a few thousand
  // pixels written and one draw, rather than a fillRect per dark module (a fifth of a code's
  // time on a slow phone).
  symbolCanvas ??= newSymbolCanvas();
  const small = symbolCanvas;
  if (small.canvas.width !== total) {
    small.canvas.width = total;
    small.canvas.height = total;
  }
  const pixels = small.context.createImageData(total, total);
  const data = pixels.data;
  data.fill(255);
  for (let y = 0; y < modules; y++)
    for (let x = 0; x < modules; x++)
      if (qr.modules.get(y, x) !== 0) {
        const at = ((y + QUIET_ZONE) * total + x + QUIET_ZONE) * 4;
        data[at] = r;
        data[at + 1] = g;
        data[at + 2] = b;
      }
  small.context.putImageData(pixels, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small.canvas, 0, 0, side, side);
  return qr.version;
}

function newSymbolCanvas(): { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('canvas: no 2D context');
  return { canvas, context };
}
