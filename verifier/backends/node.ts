import { createPublicKey, hash, verify, type KeyObject } from 'node:crypto';
import { constants, inflateRawSync, inflateSync } from 'node:zlib';
import {
  ED25519_SIGNATURE_LENGTH,
  type CryptoBackend,
  type PublicKeyHandle,
} from '../../shared/crypto-backend.js';
import { bytesAfterTheEnd, doesNotInflate, inflatedTooLarge } from '../internal/inflate-policy.js';
import { assertAcceptableKey, isAcceptableR, notAcceptable } from '../internal/ed25519-policy.js';

/** Largest inflated output read in small chunks, and the size of those (see inflate). */
const SMALL_OUTPUT = 4096;
const SMALL_CHUNK = 1024;

interface NodeKey extends PublicKeyHandle {
  readonly object: KeyObject;
}

/**
 * The Node backend: OpenSSL's Ed25519 (cofactorless, S < L, R compared by its encoding), with
 * the checks OpenSSL leaves out of the policy (ed25519-policy.ts) — canonical A, A and R not of
 * small order — and SHA-256 and zlib from `node:crypto` and `node:zlib`.
 */
export const nodeBackend: CryptoBackend = {
  name: 'node',

  importPublicKey(raw) {
    assertAcceptableKey(raw);
    const x = Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('base64url');
    let object: KeyObject;
    try {
      // A JWK import is an order of magnitude faster than a DER import in Node 20.
      object = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    } catch (cause) {
      throw notAcceptable(cause);
    }
    const key: NodeKey = { x, object };
    return key;
  },

  verify(key, message, signature) {
    if (signature.length !== ED25519_SIGNATURE_LENGTH || !isAcceptableR(signature)) return false;
    const object = (key as Partial<NodeKey>).object;
    if (object === undefined)
      throw new TypeError('verify: the key was not imported by the node backend');
    try {
      return verify(null, message, object, signature);
    } catch {
      return false;
    }
  },

  verifyOnce(raw, message, signature) {
    assertAcceptableKey(raw);
    if (signature.length !== ED25519_SIGNATURE_LENGTH || !isAcceptableR(signature)) return false;
    const x = Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('base64url');
    try {
      // The JWK straight to verify: the same import as importPublicKey's, with no KeyObject made.
      return verify(
        null,
        message,
        { key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' },
        signature,
      );
    } catch (cause) {
      if ((cause as { code?: unknown }).code === 'ERR_CRYPTO_INVALID_JWK')
        throw notAcceptable(cause);
      return false;
    }
  },

  sha256(data) {
    // One-shot hash (Node ≥ 20.12): a third cheaper than createHash for a short input.
    return hash('sha256', data, 'buffer');
  },

  inflate(data, format, maxOutputLength, dictionary) {
    let inflated: Inflated;
    try {
      // A small output (a credential payload) in chunks of 1 KiB rather than zlib's default
      // 16 KiB: a buffer that small comes from Node's pool, not from a fresh allocation. With
      // `info`, zlib also says how much of the input the stream took.
      const chunkSize = maxOutputLength <= SMALL_OUTPUT ? SMALL_CHUNK : constants.Z_DEFAULT_CHUNK;
      const options =
        dictionary === undefined
          ? { maxOutputLength, chunkSize, info: true }
          : { maxOutputLength, chunkSize, dictionary, info: true };
      inflated = (format === 'raw'
        ? inflateRawSync(data, options)
        : inflateSync(data, options)) as unknown as Inflated;
    } catch (cause) {
      if ((cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw inflatedTooLarge(maxOutputLength, cause);
      }
      throw doesNotInflate(format, cause);
    }
    // zlib stops at the end of the stream and ignores what follows; a strict decoder does not.
    if (inflated.engine.bytesWritten !== data.length) throw bytesAfterTheEnd(format);
    return inflated.buffer;
  },
};

/** What inflateSync and inflateRawSync return with `info: true`. */
interface Inflated {
  readonly buffer: Buffer;
  readonly engine: { readonly bytesWritten: number };
}
