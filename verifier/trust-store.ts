import type { CryptoBackend, PublicKeyHandle } from '../shared/crypto-backend.js';
import { LicenceError } from '../shared/errors.js';
import { jwkThumbprint, parsePublicJwk } from '../shared/jwk.js';

/** Most keys one JWKS may hold: a JWKS with thousands of keys is not a trust list. */
export const MAX_JWKS_KEYS = 64;

/** A trusted public key. */
export interface TrustedKey {
  /** RFC 7638 thumbprint: what a credential's `kid` must be. */
  readonly thumbprint: string;
  /** The JWKS's own `kid`, when it has one. */
  readonly kid?: string;
  readonly key: PublicKeyHandle;
}

/** Keys the verifier trusts, imported once, with the backend that imported them. */
export interface TrustStore {
  readonly backend: CryptoBackend;
  readonly keys: readonly TrustedKey[];
  /** The key whose thumbprint is `thumbprint`. */
  byThumbprint(thumbprint: string): TrustedKey | undefined;
}

/**
 * Builds a trust store from one or more JWKS (`{"keys":[…]}`). Each key must be an Ed25519 public
 * JWK; a `kid`, when present, is taken as given (the generic `jws verify` matches on it), and the
 * thumbprint is always computed from the key itself, never read.
 * @throws {LicenceError} `ERR_KEY_INVALID` naming the key that is wrong.
 */
export function createTrustStore(jwksList: readonly unknown[], backend: CryptoBackend): TrustStore {
  const keys: TrustedKey[] = [];
  const index = new Map<string, TrustedKey>();
  jwksList.forEach((jwks, n) => {
    const where = jwksList.length > 1 ? `JWKS ${n + 1}` : 'JWKS';
    if (
      typeof jwks !== 'object' ||
      jwks === null ||
      !Array.isArray((jwks as { keys?: unknown }).keys)
    ) {
      throw new LicenceError(
        'ERR_KEY_INVALID',
        `${where}: expected an object with a "keys" array, found ${jwks === null ? 'null' : typeof jwks}`,
      );
    }
    const list = (jwks as { keys: unknown[] }).keys;
    if (list.length === 0)
      throw new LicenceError('ERR_KEY_INVALID', `${where}: expected at least one key, found none`);
    if (list.length + keys.length > MAX_JWKS_KEYS) {
      throw new LicenceError(
        'ERR_KEY_INVALID',
        `${where}: expected at most ${MAX_JWKS_KEYS} keys in all, found more`,
      );
    }
    list.forEach((value, i) => {
      const jwk = parsePublicJwk(value, `${where} key ${i}`);
      const thumbprint = jwkThumbprint(jwk);
      if (index.has(thumbprint)) return;
      const entry: TrustedKey = {
        thumbprint,
        key: backend.importPublicKey(jwk.raw),
        ...(jwk.kid === undefined ? {} : { kid: jwk.kid }),
      };
      keys.push(entry);
      index.set(thumbprint, entry);
    });
  });
  return { backend, keys, byThumbprint: (thumbprint) => index.get(thumbprint) };
}
