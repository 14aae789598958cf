import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { inflateSync, unzlibSync } from 'fflate';
import {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  type CryptoBackend,
  type PublicKeyHandle,
} from '../../shared/crypto-backend.js';
import { LicenceError } from '../../shared/errors.js';
import { encodeBase64url } from '../../shared/internal/base64url.js';
import { isAcceptableKeyEncoding, isAcceptableR } from '../internal/ed25519-policy.js';

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
    if (raw.length !== ED25519_PUBLIC_KEY_LENGTH) {
      throw new LicenceError(
        'ERR_KEY_INVALID',
        `Ed25519 public key: expected ${ED25519_PUBLIC_KEY_LENGTH} bytes, found ${raw.length}`,
      );
    }
    let point: ed.Point | undefined;
    if (isAcceptableKeyEncoding(raw)) {
      try {
        point = ed.Point.fromBytes(raw, false);
      } catch {
        point = undefined;
      }
    }
    if (point === undefined) {
      throw new LicenceError(
        'ERR_KEY_INVALID',
        'Ed25519 public key: expected a canonical point not of small order, found another',
      );
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

  sha256(data) {
    return sha256(data);
  },

  inflate(data, format, maxOutputLength, dictionary) {
    // fflate writes into a buffer of exactly this size and stops there, so a bomb cannot grow it;
    // one byte more than allowed tells "exactly at the limit" from "over it".
    const out = new Uint8Array(maxOutputLength + 1);
    let result: Uint8Array;
    try {
      if (data.length === 0) throw new Error('empty input');
      const options = dictionary === undefined ? { out } : { out, dictionary };
      result = format === 'raw' ? inflateSync(data, options) : unzlibSync(data, options);
    } catch (cause) {
      throw new LicenceError(
        'ERR_MALFORMED',
        `compressed data: expected ${format === 'raw' ? 'raw DEFLATE (RFC 1951)' : 'zlib (RFC 1950)'}, found data that does not inflate`,
        { cause },
      );
    }
    if (result.length > maxOutputLength) {
      throw new LicenceError(
        'ERR_TOO_LARGE',
        `compressed data: expected at most ${maxOutputLength} bytes inflated, found more`,
      );
    }
    return result.slice();
  },
};

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}
