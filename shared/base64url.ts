import { LicenceError } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Node's Buffer where there is one: its native encoder is several times faster. */
const NodeBuffer = (
  globalThis as {
    Buffer?: { from(b: ArrayBuffer, o: number, l: number): { toString(e: 'base64url'): string } };
  }
).Buffer;

/** Characters of the unpadded base64url encoding of `byteLength` bytes. */
export function base64urlLength(byteLength: number): number {
  return Math.ceil((byteLength * 4) / 3);
}

/** Encodes bytes as base64url without padding (RFC 7515 §2). */
export function encodeBase64url(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined)
    return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length).toString(
      'base64url',
    );
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      ALPHABET.charAt(n >>> 18) +
      ALPHABET.charAt((n >>> 12) & 63) +
      ALPHABET.charAt((n >>> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += ALPHABET.charAt(n >>> 18) + ALPHABET.charAt((n >>> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out +=
      ALPHABET.charAt(n >>> 18) +
      ALPHABET.charAt((n >>> 12) & 63) +
      ALPHABET.charAt((n >>> 6) & 63);
  }
  return out;
}

/**
 * Decodes strict base64url: only the URL-safe alphabet, no padding, no whitespace, a length that
 * is not 1 mod 4, and canonical trailing bits (the unused low bits of the last character are 0),
 * so that every byte string has exactly one encoding.
 * @throws {LicenceError} `ERR_MALFORMED`, naming `what`.
 */
export function decodeBase64url(text: string, what: string): Uint8Array {
  const len = text.length;
  const at = (k: number): number => {
    const c = text.charCodeAt(k);
    const v = c < 128 ? (DECODE[c] as number) : -1;
    if (v < 0) {
      throw new LicenceError(
        'ERR_MALFORMED',
        `${what}: expected base64url (A-Z a-z 0-9 - _, no padding), found ${JSON.stringify(text[k])} at offset ${k}`,
      );
    }
    return v;
  };
  if (len % 4 === 1) {
    // A character out of the alphabet (a line break of a wrapped token, say) is the better reason.
    for (let k = 0; k < len; k++) at(k);
    throw new LicenceError(
      'ERR_MALFORMED',
      `${what}: expected base64url, found a length of ${len} (1 mod 4)`,
    );
  }
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const n = (at(i) << 18) | (at(i + 1) << 12) | (at(i + 2) << 6) | at(i + 3);
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = len - i;
  if (rest === 2) {
    const a = at(i);
    const b = at(i + 1);
    if ((b & 15) !== 0) throw nonCanonical(what);
    out[o] = (a << 2) | (b >>> 4);
  } else if (rest === 3) {
    const a = at(i);
    const b = at(i + 1);
    const c = at(i + 2);
    if ((c & 3) !== 0) throw nonCanonical(what);
    out[o] = (a << 2) | (b >>> 4);
    out[o + 1] = ((b & 15) << 4) | (c >>> 2);
  }
  return out;
}

function nonCanonical(what: string): LicenceError {
  return new LicenceError(
    'ERR_MALFORMED',
    `${what}: expected canonical base64url, found non-zero unused bits in the last character`,
  );
}
