/*
 * A device key in WebCrypto: Ed25519, generated non-extractable, so that the private key never
 * leaves the browser's key store (not even to the app's own code), kept by structured clone in
 * IndexedDB (shared/web/local-store.ts). The driver's phone binds its credential to it; a
 * verifier device has its certificate issued to it and signs its requests with it.
 */
import { encodeBase64url } from '../base64url.js';
import type { Ed25519PublicJwk, Signer } from '../crypto-backend.js';

const ED25519 = { name: 'Ed25519' } as const;

/** Where the pair is kept: the app's own store. */
export interface KeyPairStore {
  load(): Promise<CryptoKeyPair | undefined>;
  keep(pair: CryptoKeyPair): Promise<void>;
}

/** The device key pair, made once (non-extractable) and kept. */
export async function keptKeyPair(store: KeyPairStore): Promise<CryptoKeyPair> {
  const kept = await store.load();
  if (kept !== undefined) return kept;
  const pair = await crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']);
  await store.keep(pair);
  return pair;
}

/** The public key as the JWK `x`: base64url of the 32 raw bytes (RFC 8037 §2). */
export async function publicKeyX(pair: CryptoKeyPair): Promise<string> {
  // The public half of a pair is always extractable; only the private half is not.
  return encodeBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
}

/** shared/'s Signer over the WebCrypto key pair. */
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
