import { LicenceError } from '../errors.js';

/*
 * Bytes as decimal digits, for QR numeric mode (ISO/IEC 18004 §7.4.3: 10 bits per 3 digits).
 * Every 6 bytes become 15 digits (2^48 < 10^15, and 10^15 < 2^53 so plain numbers are exact);
 * a final group of k < 6 bytes becomes DIGITS_FOR[k] digits. That is 8.33 bits a byte in the
 * symbol, against 8.89 for base64url digit pairs (SMART Health Cards) and 10.67 for base64url
 * text in byte mode.
 */
const GROUP_BYTES = 6;
const GROUP_DIGITS = 15;
/** Digits for a final group of k bytes: the fewest digits that hold 256^k − 1. */
const DIGITS_FOR = [0, 3, 5, 8, 10, 13] as const;
const BYTES_FOR_DIGITS = new Map<number, number>(DIGITS_FOR.map((d, k) => [d, k]));

/** Encodes bytes as decimal digits (see the module comment for the grouping). */
export function encodeDigits(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += GROUP_BYTES) {
    const k = Math.min(GROUP_BYTES, bytes.length - i);
    let value = 0;
    for (let j = 0; j < k; j++) value = value * 256 + (bytes[i + j] as number);
    const width = k === GROUP_BYTES ? GROUP_DIGITS : DIGITS_FOR[k as 1 | 2 | 3 | 4 | 5];
    out += value.toString().padStart(width, '0');
  }
  return out;
}

/**
 * Decodes what {@link encodeDigits} wrote, strictly: only 0-9, a length that a whole number of
 * groups gives, and every group below 256^k, so each byte string has exactly one encoding.
 * @throws {LicenceError} `ERR_MALFORMED`.
 */
export function decodeDigits(text: string, offset = 0): Uint8Array {
  const length = text.length - offset;
  const full = Math.floor(length / GROUP_DIGITS);
  const restBytes = BYTES_FOR_DIGITS.get(length - full * GROUP_DIGITS);
  if (restBytes === undefined) {
    // A character that is not a digit (a space pasted after the code, say) is the better reason.
    for (let i = offset; i < text.length; i++)
      if (!isDigit(text.charCodeAt(i))) throw notDigit(text, i);
    throw new LicenceError(
      'ERR_MALFORMED',
      `presentation digits: expected a length of 15n + 0, 3, 5, 8, 10 or 13, found ${length}`,
    );
  }
  const out = new Uint8Array(full * GROUP_BYTES + restBytes);
  let o = 0;
  let i = offset;
  for (let g = 0; g < full; g++) {
    // 15 digits as 7 + 8, each below 2^31; the value is below 10^15 < 2^53, exact in a double.
    let high = 0;
    let low = 0;
    let notDigit = 0; // negative once any character is not 0-9
    for (let j = i; j < i + 7; j++) {
      const d = text.charCodeAt(j) - 48;
      notDigit |= d | (9 - d);
      high = high * 10 + d;
    }
    for (let j = i + 7; j < i + GROUP_DIGITS; j++) {
      const d = text.charCodeAt(j) - 48;
      notDigit |= d | (9 - d);
      low = low * 10 + d;
    }
    if (notDigit < 0) digitsValue(text, i, GROUP_DIGITS); // throws, naming the character
    const value = high * 1e8 + low;
    if (value >= 281474976710656) throw tooLarge(i, 6); // 2^48
    const hi = Math.floor(value / 4294967296); // top 16 bits
    const lo = value - hi * 4294967296; // low 32 bits
    out[o] = hi >>> 8;
    out[o + 1] = hi & 255;
    out[o + 2] = lo >>> 24;
    out[o + 3] = (lo >>> 16) & 255;
    out[o + 4] = (lo >>> 8) & 255;
    out[o + 5] = lo & 255;
    o += 6;
    i += GROUP_DIGITS;
  }
  if (restBytes > 0) {
    let value = digitsValue(text, i, text.length - i);
    if (value >= 256 ** restBytes) throw tooLarge(i, restBytes);
    for (let j = restBytes - 1; j >= 0; j--) {
      out[o + j] = value % 256;
      value = Math.floor(value / 256);
    }
  }
  return out;
}

function digitsValue(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) throw notDigit(text, i);
    value = value * 10 + c - 48;
  }
  return value;
}

function isDigit(charCode: number): boolean {
  return charCode >= 48 && charCode <= 57;
}

function notDigit(text: string, offset: number): LicenceError {
  return new LicenceError(
    'ERR_MALFORMED',
    `presentation digits: expected 0-9, found ${JSON.stringify(text[offset])} at offset ${offset}`,
  );
}

function tooLarge(offset: number, k: number): LicenceError {
  return new LicenceError(
    'ERR_MALFORMED',
    `presentation digits: expected a group below 256^${k}, found a larger one at offset ${offset}`,
  );
}
