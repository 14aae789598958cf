import { ED25519_SIGNATURE_LENGTH } from './crypto-backend.js';
import { encodeBase64url } from './base64url.js';
import { encodeDigits } from './internal/digits.js';
import * as envelope from './internal/presentation-envelope.js';
import { canonicalCredentialHeader } from './credential.js';
import { PRESENTATION_PREFIX } from './prefix.js';

export {
  credentialCompact,
  MAX_NONCE_LENGTH,
  MAX_PRESENTATION_LENGTH,
  NONCE_PATTERN,
  prefixOf,
} from './internal/presentation-envelope.js';
/** What a presentation's QR text starts with; the version is in it (FORMAT.md §4). */
export { PRESENTATION_PREFIX };

const VERSION_1: envelope.EnvelopeVersion = {
  prefix: PRESENTATION_PREFIX,
  canonicalHeader: canonicalCredentialHeader,
};

/** A presentation taken apart, nothing verified yet. */
export interface PresentationParts extends envelope.CredentialEnvelope {
  /**
   * Set by {@link decodePresentation} when the header travelled as its key id only: the kid of
   * the canonical header that `credentialHeader` was rebuilt from. Ignored by the encoder.
   */
  readonly canonicalKid?: string;
  readonly nonce?: string;
  readonly proofSignature: Uint8Array;
}

/**
 * Packs a presentation into its QR text: the prefix, then the binary envelope as decimal digits
 * for QR numeric mode.
 * @throws {RangeError} on a nonce outside the allowed alphabet or length, or a bad signature length.
 */
export function encodePresentation(parts: PresentationParts): string {
  envelope.checkSignatureLengths(parts.credentialSignature, parts.proofSignature);
  envelope.checkNonce(parts.nonce);
  return (
    PRESENTATION_PREFIX +
    encodeDigits(presentationEnvelope(parts, envelope.nonceBytes(parts.nonce)))
  );
}

/**
 * The binary envelope of a presentation, field by field as given, with `nonce` as its bytes: the
 * credential header as its key id only when it is the canonical one. Checks nothing
 * (encodePresentation checks first); test vectors use it to write what it would refuse.
 */
export function presentationEnvelope(parts: PresentationParts, nonce: Uint8Array): Uint8Array {
  return envelope
    .writeCredentialEnvelope(VERSION_1, parts, nonce)
    .bytes(parts.proofSignature)
    .finish();
}

/**
 * Takes a presentation's QR text apart, strictly: the exact prefix, digits only, every length
 * inside the envelope consistent, the canonical header only as its key id, no trailing byte.
 * Verifies nothing.
 * @throws {LicenceError} `ERR_MALFORMED`, `ERR_TOO_LARGE`.
 */
export function decodePresentation(text: string): PresentationParts {
  const reader = envelope.openEnvelope(VERSION_1, text);
  const { credential, nonce: nonceRead } = envelope.readCredentialEnvelope(VERSION_1, reader);
  const proofSignature = reader.bytesOf(ED25519_SIGNATURE_LENGTH, 'proof signature');
  reader.end('presentation');
  const nonce = envelope.decodeNonce(nonceRead);
  return {
    ...credential,
    ...(nonce === undefined ? {} : { nonce }),
    proofSignature,
  };
}

/**
 * The bytes the holder signs: the JWS signing input (RFC 7515 §5.1) of a proof whose header is
 * `{"alg":"EdDSA","typ":"lzkb+jwt"}` and whose payload is `{"iat":T,"nonce":N,"cred_hash":H}`
 * (`nonce` only when there is one), both serialised exactly so, with no whitespace. Signer and
 * verifier each rebuild it; it never travels.
 * @param credentialHash SHA-256 of the ASCII compact credential.
 */
export function proofSigningInput(
  credentialHash: Uint8Array,
  iat: number,
  nonce?: string,
): Uint8Array {
  envelope.checkNonce(nonce);
  const payload =
    nonce === undefined
      ? `{"iat":${iat},"cred_hash":"${encodeBase64url(credentialHash)}"}`
      : `{"iat":${iat},"nonce":"${nonce}","cred_hash":"${encodeBase64url(credentialHash)}"}`;
  return envelope.proofSigningInputOf(payload);
}
