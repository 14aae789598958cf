import QRCode, { type QRCodeSegment } from 'qrcode';
import { PRESENTATION_PREFIX } from './prefix.js';
import { REQUEST_PREFIX } from './request/prefix.js';
import { PRESENTATION_PREFIX_V2 } from './sd/prefix.js';

/** The prefixes of presentations (format versions 1 and 2) and requests: alphanumeric text. */
const PREFIXES = [PRESENTATION_PREFIX, PRESENTATION_PREFIX_V2, REQUEST_PREFIX] as const;

/** Error correction for the licence QR: M restores 15 % of the symbol (ISO/IEC 18004 §7.5.1). */
export const QR_ERROR_CORRECTION = 'M';
/** Largest QR version the format is designed to fit, as SMART Health Cards (docs/DOMAIN.md §5). */
export const MAX_QR_VERSION = 22;

/**
 * The QR segments of a presentation: the prefix in alphanumeric mode, the digits in numeric mode
 * (10 bits per 3 digits). Any other text goes in byte mode.
 */
export function presentationSegments(text: string): QRCodeSegment[] {
  for (const prefix of PREFIXES) {
    const digits = text.slice(prefix.length);
    if (text.startsWith(prefix) && /^[0-9]+$/.test(digits)) {
      return [
        { data: prefix, mode: 'alphanumeric' },
        { data: digits, mode: 'numeric' },
      ];
    }
  }
  return [{ data: new TextEncoder().encode(text), mode: 'byte' }];
}

/** The QR version (1-40) that holds `text` at ECC M. */
export function qrVersion(text: string): number {
  return QRCode.create(presentationSegments(text), { errorCorrectionLevel: QR_ERROR_CORRECTION })
    .version;
}

/** Renders `text` as an SVG QR code at ECC M, with the standard 4-module quiet zone. */
export async function renderQrSvg(text: string): Promise<string> {
  return QRCode.toString(presentationSegments(text), {
    type: 'svg',
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    margin: 4,
  });
}
