import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { ED25519_PUBLIC_KEY_LENGTH, type Ed25519PublicJwk } from './crypto-backend.js';
import { LicenceError } from './errors.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { utf8 } from './utf8.js';

/**
 * RFC 7638 JWK thumbprint of an Ed25519 key: base64url SHA-256 of the required members in
 * lexicographic order, `{"crv":"Ed25519","kty":"OKP","x":…}` (RFC 8037 §2, Appendix A.3).
 */
export function jwkThumbprint(jwk: Pick<Ed25519PublicJwk, 'x'>): string {
  return encodeBase64url(sha256(utf8(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`)));
}

const publicJwkSchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string(),
    kid: z.string().min(1).max(128).optional(),
    alg: z.enum(['EdDSA', 'Ed25519']).optional(),
    use: z.literal('sig').optional(),
    key_ops: z.array(z.string()).optional(),
    // Anything else (including `d`) is refused below: a trust list never holds private keys.
  })
  .loose();

const PUBLIC_MEMBERS = new Set([
  'kty',
  'crv',
  'x',
  'kid',
  'alg',
  'use',
  'key_ops',
  'exp',
  'iat',
  'nbf',
]);

/**
 * Reads an Ed25519 public JWK strictly: OKP/Ed25519, a 32-byte `x` in canonical base64url,
 * `use` sig and `alg` EdDSA/Ed25519 when present, `key_ops` containing verify when present,
 * and no private member.
 * @throws {LicenceError} `ERR_KEY_INVALID`.
 */
export function parsePublicJwk(
  value: unknown,
  what = 'JWK',
): Ed25519PublicJwk & { raw: Uint8Array } {
  const parsed = publicJwkSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LicenceError(
      'ERR_KEY_INVALID',
      `${what}: expected an Ed25519 public JWK (kty OKP, crv Ed25519), found ${issue === undefined ? 'another shape' : `${issue.path.join('.') || 'value'}: ${issue.message}`}`,
    );
  }
  const jwk = parsed.data;
  for (const name of Object.keys(jwk)) {
    if (!PUBLIC_MEMBERS.has(name)) {
      throw new LicenceError(
        'ERR_KEY_INVALID',
        `${what}: expected public members only, found "${name}"${name === 'd' ? ' (a private key)' : ''}`,
      );
    }
  }
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes('verify')) {
    throw new LicenceError(
      'ERR_KEY_INVALID',
      `${what} key_ops: expected to include "verify", found ${JSON.stringify(jwk.key_ops)}`,
    );
  }
  let raw: Uint8Array;
  try {
    raw = decodeBase64url(jwk.x, `${what} x`);
  } catch (cause) {
    throw new LicenceError('ERR_KEY_INVALID', `${what} x: expected canonical base64url`, { cause });
  }
  if (raw.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new LicenceError(
      'ERR_KEY_INVALID',
      `${what} x: expected ${ED25519_PUBLIC_KEY_LENGTH} bytes, found ${raw.length}`,
    );
  }
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: jwk.x,
    raw,
    ...(jwk.kid === undefined ? {} : { kid: jwk.kid }),
    ...(jwk.alg === undefined ? {} : { alg: jwk.alg }),
    ...(jwk.use === undefined ? {} : { use: jwk.use }),
  };
}
