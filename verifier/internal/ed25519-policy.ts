import { ED25519_PUBLIC_KEY_LENGTH } from '../../shared/crypto-backend.js';
import { LicenceError } from '../../shared/errors.js';

/*
 * The Ed25519 acceptance policy both backends enforce on top of their library (test/vectors/
 * README.md): the one of libsodium's crypto_sign_verify_detached. RFC 8032 §5.1.7 with the
 * cofactorless equation, S < L, canonical encodings of A and R, and neither A nor R of small
 * order. A small-order holder key would let anyone make a proof that verifies, so such keys are
 * refused even when they come signed inside a credential.
 */

/** The eight points of small order, canonically encoded (y little-endian, sign bit of x). */
const SMALL_ORDER_HEX = [
  '0100000000000000000000000000000000000000000000000000000000000000', // identity, order 1
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4
  '0000000000000000000000000000000000000000000000000000000000000080', // order 4
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
] as const;

const SMALL_ORDER: readonly Uint8Array[] = SMALL_ORDER_HEX.map((hex) =>
  Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)),
);

/** Exposed for the test that proves the list against the curve arithmetic. */
export const SMALL_ORDER_ENCODINGS: readonly string[] = SMALL_ORDER_HEX;

/**
 * True when the 32 bytes are the one canonical encoding of a point's y and x sign: y < p
 * (RFC 8032 §5.1.3 step 1), and no sign bit on x = 0, which happens only for y = ±1 (step 4).
 */
export function isCanonicalEncoding(bytes: Uint8Array, offset = 0): boolean {
  const top = (bytes[offset + 31] as number) & 0x7f;
  // y ≥ p = 2^255 − 19: the top 255 bits all ones above a low byte ≥ 0xed.
  if (top === 0x7f && (bytes[offset] as number) >= 0xed) {
    let allOnes = true;
    for (let i = 1; i < 31 && allOnes; i++) allOnes = bytes[offset + i] === 0xff;
    if (allOnes) return false;
  }
  const signed = ((bytes[offset + 31] as number) & 0x80) !== 0;
  if (!signed) return true;
  // y = 1 or y = p − 1 with the sign bit: x = 0 has no negative.
  let yIsOne = bytes[offset] === 0x01 && top === 0;
  let yIsMinusOne = bytes[offset] === 0xec && top === 0x7f;
  for (let i = 1; i < 31 && (yIsOne || yIsMinusOne); i++) {
    const b = bytes[offset + i];
    yIsOne &&= b === 0;
    yIsMinusOne &&= b === 0xff;
  }
  return !(yIsOne || yIsMinusOne);
}

/** True when the 32 bytes at `offset` encode a point of small order (canonical encodings). */
export function isSmallOrderEncoding(bytes: Uint8Array, offset = 0): boolean {
  return SMALL_ORDER.some((p) => {
    for (let i = 0; i < 32; i++) if (p[i] !== bytes[offset + i]) return false;
    return true;
  });
}

/** A key the policy accepts: canonical and not of small order. */
export function isAcceptableKeyEncoding(raw: Uint8Array): boolean {
  return isCanonicalEncoding(raw) && !isSmallOrderEncoding(raw);
}

/**
 * The checks every backend makes before importing a public key: 32 bytes, canonical, not of
 * small order. Whether the bytes decode to a point at all is the backend's library's to say.
 * @throws {LicenceError} `ERR_KEY_INVALID`.
 */
export function assertAcceptableKey(raw: Uint8Array): void {
  if (raw.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new LicenceError(
      'ERR_KEY_INVALID',
      `Ed25519 public key: expected ${ED25519_PUBLIC_KEY_LENGTH} bytes, found ${raw.length}`,
    );
  }
  if (!isAcceptableKeyEncoding(raw)) throw notAcceptable();
}

/** The error for a key that is not a point, or one the policy refuses. */
export function notAcceptable(cause?: unknown): LicenceError {
  return new LicenceError(
    'ERR_KEY_INVALID',
    'Ed25519 public key: expected a canonical point not of small order, found another',
    { cause },
  );
}

/** The R half of a signature is acceptable: canonical and not of small order. */
export function isAcceptableR(signature: Uint8Array): boolean {
  return isCanonicalEncoding(signature, 0) && !isSmallOrderEncoding(signature, 0);
}

/**
 * The order of the base point, L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032
 * §5.1), little-endian as S is written.
 */
const ORDER_L_HEX = 'edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010';
const ORDER_L = Uint8Array.from(ORDER_L_HEX.match(/../g) ?? [], (h) => parseInt(h, 16));

/** Exposed for the test that checks it against L computed. */
export const ORDER_L_ENCODING: string = ORDER_L_HEX;

/**
 * The S half of a signature is below L (RFC 8032 §5.1.7 step 1): compared byte by byte from the
 * most significant, the little-endian way it is written.
 */
export function isCanonicalScalar(signature: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i] as number;
    const l = ORDER_L[i] as number;
    if (s !== l) return s < l;
  }
  return false;
}
