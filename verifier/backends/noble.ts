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

// Synchronous verification needs a synchronous SHA-512.
ed.hashes.sha512 = sha512;

interface NobleKey extends PublicKeyHandle {
  readonly raw: Uint8Array;
}

/**
 * The browser backend, pure JavaScript: `@noble/ed25519` with `zip215: false` (strict RFC 8032,
 * the same answers as OpenSSL), SHA-256 from `@noble/hashes`, inflate from `fflate`.
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
    try {
      ed.Point.fromBytes(raw, false);
    } catch (cause) {
      throw new LicenceError('ERR_KEY_INVALID', 'Ed25519 public key: not a valid point encoding', { cause });
    }
    const key: NobleKey = { x: encodeBase64url(raw), raw: raw.slice() };
    return key;
  },

  verify(key, message, signature) {
    if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
    const raw = (key as Partial<NobleKey>).raw;
    if (raw === undefined) throw new TypeError('verify: the key was not imported by the noble backend');
    try {
      return ed.verify(signature, message, raw, { zip215: false });
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
      const options = dictionary === undefined ? { out } : { out, dictionary };
      result = format === 'raw' ? inflateSync(data, options) : unzlibSync(data, options);
    } catch (cause) {
      throw new LicenceError('ERR_MALFORMED', `compressed data: expected ${format === 'raw' ? 'raw DEFLATE (RFC 1951)' : 'zlib (RFC 1950)'}, found data that does not inflate`, { cause });
    }
    if (result.length > maxOutputLength) {
      throw new LicenceError('ERR_TOO_LARGE', `compressed data: expected at most ${maxOutputLength} bytes inflated, found more`);
    }
    return result.slice();
  },
};
