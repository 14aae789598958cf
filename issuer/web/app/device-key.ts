/*
 * The phone's device key: Ed25519 in WebCrypto, generated non-extractable, so that the private
 * key never leaves the browser's key store (not even to this app's own code). The credential is
 * bound to its public key (`cnf.jwk`), and each QR carries a proof signed with it.
 */
import type { Ed25519PublicJwk, Signer } from '../../../shared/crypto-backend.js';
import { encodeBase64url } from '../../../shared/base64url.js';
import { keep, load } from './store.js';

const ED25519 = { name: 'Ed25519' } as const;

/** The device key pair, made once and kept in IndexedDB. */
export async function deviceKeyPair(): Promise<CryptoKeyPair> {
  const kept = await load('deviceKey');
  if (kept !== undefined) return kept;
  const pair = await crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']);
  await keep('deviceKey', pair);
  return pair;
}

/** The public key as the JWK `x`: base64url of the 32 raw bytes (RFC 8037 §2). */
export async function publicKeyX(pair: CryptoKeyPair): Promise<string> {
  // The public half of a pair is always extractable; only the private half is not.
  return encodeBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
}

/** shared/'s Signer over the WebCrypto key: createPresentation signs the proof with it. */
export async function webCryptoSigner(pair: CryptoKeyPair): Promise<Signer> {
  const x = await publicKeyX(pair);
  const publicJwk: Ed25519PublicJwk = { kty: 'OKP', crv: 'Ed25519', x };
  // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
  const thumbprintInput = new TextEncoder().encode(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`);
  const kid = encodeBase64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', thumbprintInput)),
  );
  return {
    kid,
    publicJwk,
    async sign(data) {
      return new Uint8Array(
        await crypto.subtle.sign(ED25519, pair.privateKey, data as BufferSource),
      );
    },
  };
}
