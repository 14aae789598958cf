import QRCode from 'qrcode';
import { presentationSegments, QR_ERROR_CORRECTION } from '../qr.js';

/**
 * Renders `text` as a PNG QR code at ECC M with a 4-module quiet zone.
 * @param scale Pixels per module.
 */
export async function renderQrPng(text: string, scale = 4): Promise<Buffer> {
  return QRCode.toBuffer(presentationSegments(text), {
    type: 'png',
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    margin: 4,
    scale,
  });
}
