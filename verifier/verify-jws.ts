import { checkJoseHeader, parseCompactJws } from '../shared/compact-jws.js';
import { LicenceError, type LicenceErrorCode } from '../shared/errors.js';
import type { TrustedKey, TrustStore } from './trust-store.js';

/** The outcome of verifying one compact JWS. */
export interface JwsResult {
  readonly valid: boolean;
  /** Set when not valid. */
  readonly code?: LicenceErrorCode;
  /** Why not, in English (no key material). */
  readonly reason?: string;
  /** The algorithm, kid and typ of a token whose signature verified. */
  readonly alg?: string;
  readonly kid?: string;
  readonly typ?: string;
  /** The verified payload bytes. */
  readonly payload?: Uint8Array;
}

/**
 * Verifies any compact JWS against a JWKS, with the same strict rules as the credential and no
 * licence semantics: EdDSA/Ed25519 only, no `crit`, no key from the token, strict base64url. A
 * `kid` must name one key of the set (by its JWKS `kid`, or else by its thumbprint); without a
 * `kid` each key of the set is tried.
 */
export function verifyJws(token: string, keys: TrustStore): JwsResult {
  try {
    const jws = parseCompactJws(token);
    checkJoseHeader(jws.header, { what: 'JWS' });
    const { kid, alg, typ } = jws.header;
    let candidates: readonly TrustedKey[];
    if (typeof kid === 'string') {
      const match = keys.keys.find((k) => k.kid === kid) ?? keys.byThumbprint(kid);
      if (match === undefined)
        throw new LicenceError(
          'ERR_UNKNOWN_ISSUER',
          'JWS kid: expected one of the JWKS keys, found another',
        );
      candidates = [match];
    } else {
      candidates = keys.keys;
    }
    const signer = candidates.find((k) =>
      keys.backend.verify(k.key, jws.signingInput, jws.signature),
    );
    if (signer === undefined)
      throw new LicenceError(
        'ERR_BAD_SIGNATURE',
        'JWS signature does not verify with the key(s) of the JWKS',
      );
    return {
      valid: true,
      alg: alg as string,
      kid: signer.kid ?? signer.thumbprint,
      ...(typeof typ === 'string' ? { typ } : {}),
      payload: jws.payloadBytes,
    };
  } catch (error) {
    if (error instanceof LicenceError)
      return { valid: false, code: error.code, reason: error.message };
    throw error;
  }
}
