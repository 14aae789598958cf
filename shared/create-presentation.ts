import { sha256 } from '@noble/hashes/sha2.js';
import { parseCompactJws } from './compact-jws.js';
import type { Signer } from './crypto-backend.js';
import { utf8 } from './utf8.js';
import { encodePresentation, proofSigningInput } from './presentation.js';

/** Options for {@link createPresentation}. */
export interface PresentationOptions {
  /** The holder's clock; the proof carries it in whole seconds. */
  readonly now: Date;
  /** A verifier's nonce, when one was offered (1-64 characters of A-Z a-z 0-9 - _). */
  readonly nonce?: string;
}

/**
 * Makes the text of a dynamic QR: the credential plus a proof, signed with the device key, that
 * binds this time (and the verifier's nonce) to this exact credential. Needs no network.
 * @param credential The compact JWS the authority issued.
 * @param deviceSigner The holder's device key, the one in the credential's `cnf.jwk`.
 * @throws {LicenceError} `ERR_MALFORMED` when `credential` is not a compact JWS.
 * @throws {RangeError} on a bad nonce or clock.
 */
export async function createPresentation(
  credential: string,
  deviceSigner: Pick<Signer, 'sign'>,
  options: PresentationOptions,
): Promise<string> {
  const jws = parseCompactJws(credential, 'credential');
  const iat = Math.floor(options.now.getTime() / 1000);
  if (!Number.isSafeInteger(iat) || iat < 0)
    throw new RangeError('now: expected a valid date after 1970');
  const input = proofSigningInput(sha256(utf8(credential)), iat, options.nonce);
  const proofSignature = await deviceSigner.sign(input);
  return encodePresentation({
    credentialHeader: jws.headerBytes,
    credentialPayload: jws.payloadBytes,
    credentialSignature: jws.signature,
    proofIat: iat,
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    proofSignature,
  });
}
