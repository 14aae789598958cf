import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { inflateSync, unzlibSync } from 'fflate';
import {
  ED25519_SIGNATURE_LENGTH,
  type CryptoBackend,
  type PublicKeyHandle,
} from '../../shared/crypto-backend.js';
import { LicenceError } from '../../shared/errors.js';
import {
  bytesAfterTheEnd,
  DEFLATE_FORMAT,
  doesNotInflate,
  inflatedTooLarge,
} from '../internal/inflate-policy.js';
import { encodeBase64url } from '../../shared/base64url.js';
import { assertAcceptableKey, isAcceptableR, notAcceptable } from '../internal/ed25519-policy.js';

/** The order of the base point (RFC 8032 §5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

interface NobleKey extends PublicKeyHandle {
  readonly raw: Uint8Array;
  readonly point: ed.Point;
}

/**
 * The browser backend, pure JavaScript. `@noble/ed25519` verifies with the cofactored equation,
 * while OpenSSL (the Node backend) uses the cofactorless one; the two disagree on crafted
 * signatures (speccheck cases 4 and 5). So this backend uses noble only for point arithmetic and
 * checks RFC 8032 §5.1.7 itself, cofactorless, under the same policy (ed25519-policy.ts).
 * SHA-256 from `@noble/hashes`, inflate from `fflate`.
 */
export const nobleBackend: CryptoBackend = {
  name: 'noble',

  importPublicKey(raw) {
    assertAcceptableKey(raw);
    let point: ed.Point;
    try {
      point = ed.Point.fromBytes(raw, false);
    } catch (cause) {
      throw notAcceptable(cause);
    }
    const key: NobleKey = { x: encodeBase64url(raw), raw: raw.slice(), point };
    return key;
  },

  verify(key, message, signature) {
    if (signature.length !== ED25519_SIGNATURE_LENGTH || !isAcceptableR(signature)) return false;
    const { raw, point } = key as Partial<NobleKey>;
    if (raw === undefined || point === undefined)
      throw new TypeError('verify: the key was not imported by the noble backend');
    try {
      const s = littleEndian(signature.subarray(32));
      if (s >= L) return false; // RFC 8032 §5.1.7 step 1
      const R = ed.Point.fromBytes(signature.subarray(0, 32), false);
      const k = ed.etc.mod(
        littleEndian(sha512(ed.etc.concatBytes(signature.subarray(0, 32), raw, message))),
        L,
      );
      // [S]B = R + [k]A, exactly (cofactorless).
      const sB = s === 0n ? ed.Point.ZERO : ed.Point.BASE.multiply(s);
      const kA = k === 0n ? ed.Point.ZERO : point.multiplyUnsafe(k);
      return sB.equals(R.add(kA));
    } catch {
      return false;
    }
  },

  verifyOnce(raw, message, signature) {
    return nobleBackend.verify(nobleBackend.importPublicKey(raw), message, signature);
  },

  sha256(data) {
    return sha256(data);
  },

  inflate(data, format, maxOutputLength, dictionary) {
    // fflate writes into a buffer of exactly this size and stops there, so a bomb cannot grow it;
    // one byte more than allowed tells "exactly at the limit" from "over it".
    const out = new Uint8Array(maxOutputLength + 1);
    const what = DEFLATE_FORMAT[format];
    let result: Uint8Array;
    try {
      if (data.length === 0) throw new Error('empty input');
      const options = dictionary === undefined ? { out } : { out, dictionary };
      result = format === 'raw' ? inflateSync(data, options) : unzlibSync(data, options);
    } catch (cause) {
      // A stored block longer than the buffer makes the copy into it throw a plain RangeError;
      // fflate's own errors carry a numeric code.
      if (cause instanceof RangeError && typeof (cause as { code?: unknown }).code !== 'number') {
        throw inflatedTooLarge(maxOutputLength, cause);
      }
      throw doesNotInflate(format, cause);
    }
    if (result.length > maxOutputLength) throw inflatedTooLarge(maxOutputLength);
    const inflated = result.slice();
    // fflate stops where the stream ends and ignores what follows (up to the zlib trailer).
    if (endsEarly(format === 'raw' ? data : deflateOfZlib(data), out, dictionary))
      throw bytesAfterTheEnd(format);
    // fflate does not check the zlib trailer; zlib (the Node backend) does (RFC 1950 §2.2).
    if (format === 'zlib' && !adler32Matches(inflated, data)) {
      throw new LicenceError(
        'ERR_MALFORMED',
        `compressed data: expected ${what}, found a wrong Adler-32 checksum`,
      );
    }
    return inflated;
  },
};

/**
 * Whether a DEFLATE stream that inflated ends before the last byte of `stream`. fflate does not
 * say where a stream ends, but it ends at the last byte exactly when the same stream without
 * that byte no longer inflates (fflate refuses a stream cut short, even by one bit). `out` is
 * scratch space of the size the stream inflated into.
 */
function endsEarly(stream: Uint8Array, out: Uint8Array, dictionary?: Uint8Array): boolean {
  // The shortest stream is two bytes (a final fixed-Huffman block with only its end code).
  if (stream.length < 3) return false;
  try {
    inflateSync(stream.subarray(0, -1), dictionary === undefined ? { out } : { out, dictionary });
    return true;
  } catch {
    return false;
  }
}

/** The DEFLATE stream inside zlib data: after the header (and a preset dictionary's id), before the Adler-32. */
function deflateOfZlib(data: Uint8Array): Uint8Array {
  const header = ((data[1] ?? 0) & 0x20) === 0 ? 2 : 6;
  return data.subarray(header, -4);
}

/** Whether the last 4 bytes of `stream` are the Adler-32 of `data` (RFC 1950 §8.2). */
function adler32Matches(data: Uint8Array, stream: Uint8Array): boolean {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length;) {
    // 5552 bytes keep b below 2^32 before the modulo (zlib's NMAX).
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  const n = stream.length;
  if (n < 4) return false;
  const expected =
    (((stream[n - 4] as number) << 24) |
      ((stream[n - 3] as number) << 16) |
      ((stream[n - 2] as number) << 8) |
      (stream[n - 1] as number)) >>>
    0;
  return ((b << 16) | a) >>> 0 === expected;
}

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}
