import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { makeDirs } from './make-dirs.js';
import { join } from 'node:path';
import type { Ed25519PublicJwk, Signer } from '../crypto-backend.js';
import { LicenceError } from '../errors.js';
import { jwkThumbprint, parsePublicJwk } from '../jwk.js';

/** An Ed25519 private key as a JWK (RFC 8037 §2). */
export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  d: string;
}

/** A new Ed25519 key pair, `kid` set to the RFC 7638 thumbprint. */
export function generateKeyPair(): { privateJwk: Ed25519PrivateJwk; publicJwk: Ed25519PublicJwk } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.d !== 'string')
    throw new Error('Ed25519 export: no x or d');
  const kid = jwkThumbprint({ x: jwk.x });
  const publicJwk: Ed25519PublicJwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    x: jwk.x,
    kid,
    alg: 'EdDSA',
    use: 'sig',
  };
  return { privateJwk: { ...publicJwk, d: jwk.d }, publicJwk };
}

/**
 * Writes `private.jwk.json` (mode 0600, created new: an existing key is never overwritten) and
 * `jwks.json` (the public key) into `dir`.
 * @returns the paths written and the key id.
 */
export async function writeKeyPair(
  dir: string,
): Promise<{ privatePath: string; jwksPath: string; kid: string }> {
  const { privateJwk, publicJwk } = generateKeyPair();
  makeDirs(dir, 0o700);
  const privatePath = join(dir, 'private.jwk.json');
  const jwksPath = join(dir, 'jwks.json');
  // Both files or neither: the public file is claimed first (wx), and let go again if the
  // private one cannot be written, so a private key never lacks its published public key.
  await writeFile(jwksPath, `${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`, { flag: 'wx' });
  try {
    await writeFile(privatePath, `${JSON.stringify(privateJwk, null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (error) {
    await rm(jwksPath, { force: true });
    throw error;
  }
  return { privatePath, jwksPath, kid: publicJwk.kid ?? '' };
}

/**
 * A {@link Signer} over an Ed25519 private JWK. This file is the only one that touches private
 * key material; a KMS or HSM signer implements the same interface.
 * @throws {LicenceError} `ERR_KEY_INVALID` when the JWK is not an Ed25519 private key whose `d`
 *   matches its `x`.
 */
export function createJwkSigner(value: unknown): Signer {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { d?: unknown }).d !== 'string'
  ) {
    throw new LicenceError(
      'ERR_KEY_INVALID',
      'private key: expected an Ed25519 private JWK with "d", found none',
    );
  }
  const { d, ...rest } = value as Record<string, unknown> & { d: string };
  const publicJwk = parsePublicJwk(rest, 'private key');
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, d },
      format: 'jwk',
    });
  } catch (cause) {
    throw new LicenceError('ERR_KEY_INVALID', 'private key: expected a valid Ed25519 private JWK', {
      cause,
    });
  }
  const derived = key.export({ format: 'jwk' }).x;
  if (derived !== publicJwk.x) {
    throw new LicenceError(
      'ERR_KEY_INVALID',
      'private key: expected "x" to be the public key of "d", found another key',
    );
  }
  const kid = jwkThumbprint(publicJwk);
  return {
    kid,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, kid, alg: 'EdDSA', use: 'sig' },
    sign(data) {
      return Promise.resolve(sign(null, data, key));
    },
  };
}

/**
 * Reads a private JWK file and makes a {@link Signer} of it.
 * @throws {LicenceError} `ERR_KEY_INVALID`; the file system's error when it cannot be read.
 */
export async function readSignerFile(path: string): Promise<Signer> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new LicenceError(
      'ERR_KEY_INVALID',
      `${path}: expected a JSON private JWK, found text that does not parse`,
      { cause },
    );
  }
  return createJwkSigner(value);
}
