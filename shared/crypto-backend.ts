/** Exact byte lengths (RFC 8032 §5.1.5, §5.1.6). */
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;
export const SHA256_LENGTH = 32;

/** An imported public key; what it holds is the backend's business. */
export interface PublicKeyHandle {
  /** The 32-byte Ed25519 public key as base64url (the JWK `x`). */
  readonly x: string;
}

/**
 * What verification needs from the platform. Two implementations agree on every vector:
 * Node's `crypto` (server, CLI) and `@noble/ed25519` in strict mode (browser).
 */
export interface CryptoBackend {
  readonly name: string;
  /**
   * Imports a raw 32-byte Ed25519 public key.
   * @throws {LicenceError} `ERR_KEY_INVALID` when the key is not a valid encoding.
   */
  importPublicKey(raw: Uint8Array): PublicKeyHandle;
  /**
   * Strict RFC 8032 verification (S < L, canonical encodings). Returns false for any signature
   * that does not verify, including one of the wrong length; never throws for bad input.
   */
  verify(key: PublicKeyHandle, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * {@link importPublicKey} then {@link verify}, for a key used for one signature only (a holder's
   * device key): the same checks and the same answers, without keeping an imported key.
   * @throws {LicenceError} `ERR_KEY_INVALID` as importPublicKey.
   */
  verifyOnce(raw: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  sha256(data: Uint8Array): Uint8Array;
  /**
   * Inflates DEFLATE data, raw (RFC 1951) or zlib-wrapped (RFC 1950), optionally with a preset
   * dictionary.
   * @throws {LicenceError} `ERR_TOO_LARGE` past `maxOutputLength`, `ERR_MALFORMED` on bad data.
   */
  inflate(
    data: Uint8Array,
    format: 'raw' | 'zlib',
    maxOutputLength: number,
    dictionary?: Uint8Array,
  ): Uint8Array;
}

/** Signs bytes with one private key; the only thing that touches it. KMS/HSM-replaceable. */
export interface Signer {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  /** The public key as a JWK. */
  readonly publicJwk: Ed25519PublicJwk;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** An Ed25519 public key as a JWK (RFC 8037 §2). */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
  alg?: 'EdDSA' | 'Ed25519';
  use?: 'sig';
}
