/*
 * The phone's device key: Ed25519 in WebCrypto, generated non-extractable (shared/web/
 * webcrypto-key.ts), kept in this app's store. The credential is bound to its public key
 * (`cnf.jwk`), and each QR carries a proof signed with it.
 */
import { keptKeyPair } from '../../../shared/web/webcrypto-key.js';
import { keep, load } from './store.js';

export { publicKeyX, webCryptoSigner } from '../../../shared/web/webcrypto-key.js';

/** The device key pair, made once and kept in IndexedDB. */
export function deviceKeyPair(): Promise<CryptoKeyPair> {
  return keptKeyPair({
    load: () => load('deviceKey'),
    keep: (pair) => keep('deviceKey', pair),
  });
}
