/*
 * Draws a QR of the format's texts on a canvas: shared/qr.ts's segments (the prefix
 * alphanumeric, the digits numeric) at ECC M, a 4-module quiet zone, whole device pixels per
 * module so that a camera sees sharp edges.
 */
import QRCode from 'qrcode';
import { presentationSegments, QR_ERROR_CORRECTION } from '../qr.js';

/** Modules of quiet zone on each side (ISO/IEC 18004 §6.3.8). */
const QUIET_ZONE = 4;

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
  const qr = QRCode.create(presentationSegments(text), {
    errorCorrectionLevel: QR_ERROR_CORRECTION,
  });
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
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, side, side);
  ctx.fillStyle = colour;
  for (let y = 0; y < modules; y++)
    for (let x = 0; x < modules; x++)
      if (qr.modules.get(y, x) !== 0)
        ctx.fillRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale, scale, scale);
  return qr.version;
}
