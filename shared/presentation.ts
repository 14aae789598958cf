import { ED25519_SIGNATURE_LENGTH } from './crypto-backend.js';
import { LicenceError } from './errors.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { ByteReader, ByteWriter } from './internal/byte-reader.js';
import { decodeDigits, encodeDigits } from './internal/digits.js';
import { utf8 } from './utf8.js';
import { canonicalCredentialHeader, PROOF_TYP } from './credential.js';

/** What a presentation's QR text starts with; the version is in it (FORMAT.md §4). */
export const PRESENTATION_PREFIX = 'LZ1:';
/** Longest presentation text read at all (a real one is about 1 100 characters). */
export const MAX_PRESENTATION_LENGTH = 4096;
/** Longest verifier nonce, in characters of the base64url alphabet. */
export const MAX_NONCE_LENGTH = 64;
/** A verifier nonce: 1-64 characters of the base64url alphabet (no escaping in the proof JSON). */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The holder proof's protected header, fixed by the format; it never travels. */
const PROOF_HEADER_B64 = encodeBase64url(utf8(JSON.stringify({ alg: 'EdDSA', typ: PROOF_TYP })));
/** Bytes of a key thumbprint (SHA-256). */
const KID_BYTES = 32;
/** canonicalCredentialHeader(kid) with the kid captured, anchored at both ends. */
const CANONICAL_HEADER = /^\{"alg":"EdDSA","kid":"([A-Za-z0-9_-]{43})","typ":"lzdl\+jwt"\}$/;

/** A presentation taken apart, nothing verified yet. */
export interface PresentationParts {
  /** The credential's protected header, as signed (UTF-8 JSON). */
  readonly credentialHeader: Uint8Array;
  /**
   * Set by {@link decodePresentation} when the header travelled as its key id only: the kid of
   * the canonical header that `credentialHeader` was rebuilt from. Ignored by the encoder.
   */
  readonly canonicalKid?: string;
  /** The credential's payload, as signed (raw DEFLATE). */
  readonly credentialPayload: Uint8Array;
  readonly credentialSignature: Uint8Array;
  /** Seconds since the epoch when the holder made the proof. */
  readonly proofIat: number;
  readonly nonce?: string;
  readonly proofSignature: Uint8Array;
}

/**
 * Packs a presentation into its QR text: the prefix, then the binary envelope as decimal digits
 * for QR numeric mode.
 * @throws {RangeError} on a nonce outside the allowed alphabet or length, or a bad signature length.
 */
export function encodePresentation(parts: PresentationParts): string {
  if (
    parts.credentialSignature.length !== ED25519_SIGNATURE_LENGTH ||
    parts.proofSignature.length !== ED25519_SIGNATURE_LENGTH
  ) {
    throw new RangeError(`signatures: expected ${ED25519_SIGNATURE_LENGTH} bytes each`);
  }
  checkNonce(parts.nonce);
  const nonce = parts.nonce === undefined ? new Uint8Array(0) : utf8(parts.nonce);
  return PRESENTATION_PREFIX + encodeDigits(presentationEnvelope(parts, nonce));
}

/**
 * The binary envelope of a presentation, field by field as given, with `nonce` as its bytes: the
 * credential header as its key id only when it is the canonical one. Checks nothing
 * (encodePresentation checks first); test vectors use it to write what it would refuse.
 */
export function presentationEnvelope(parts: PresentationParts, nonce: Uint8Array): Uint8Array {
  const writer = new ByteWriter();
  const kid = canonicalKid(parts.credentialHeader);
  if (kid === undefined) writer.varint(parts.credentialHeader.length).bytes(parts.credentialHeader);
  else writer.varint(0).bytes(kid);
  return writer
    .varint(parts.credentialPayload.length)
    .bytes(parts.credentialPayload)
    .bytes(parts.credentialSignature)
    .varint(parts.proofIat)
    .varint(nonce.length)
    .bytes(nonce)
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
  if (text.length > MAX_PRESENTATION_LENGTH) {
    throw new LicenceError(
      'ERR_TOO_LARGE',
      `presentation: expected at most ${MAX_PRESENTATION_LENGTH} characters, found ${text.length}`,
    );
  }
  if (!text.startsWith(PRESENTATION_PREFIX)) {
    const found = /^[A-Za-z0-9]{1,8}:/.exec(text)?.[0];
    throw new LicenceError(
      'ERR_MALFORMED',
      `presentation: expected text starting "${PRESENTATION_PREFIX}", found ${found === undefined ? 'no such prefix' : JSON.stringify(found)}`,
    );
  }
  const reader = new ByteReader(decodeDigits(text, PRESENTATION_PREFIX.length));
  const headerLength = reader.varint('credential header length');
  const kid =
    headerLength === 0
      ? encodeBase64url(reader.bytesOf(KID_BYTES, 'credential key id'))
      : undefined;
  const credentialHeader =
    kid === undefined
      ? explicitHeader(reader.bytesOf(headerLength, 'credential header'))
      : utf8(canonicalCredentialHeader(kid));
  const credentialPayload = reader.bytesOf(
    reader.varint('credential payload length'),
    'credential payload',
  );
  const credentialSignature = reader.bytesOf(ED25519_SIGNATURE_LENGTH, 'credential signature');
  const proofIat = reader.varint('proof time');
  const nonceLength = reader.varint('nonce length');
  if (nonceLength > MAX_NONCE_LENGTH) {
    throw new LicenceError(
      'ERR_MALFORMED',
      `nonce: expected at most ${MAX_NONCE_LENGTH} characters, found ${nonceLength}`,
    );
  }
  const nonceBytes = reader.bytesOf(nonceLength, 'nonce');
  const proofSignature = reader.bytesOf(ED25519_SIGNATURE_LENGTH, 'proof signature');
  reader.end('presentation');
  let nonce: string | undefined;
  if (nonceLength > 0) {
    nonce = String.fromCharCode(...nonceBytes);
    if (!NONCE_PATTERN.test(nonce)) {
      throw new LicenceError(
        'ERR_MALFORMED',
        'nonce: expected 1-64 characters of A-Z a-z 0-9 - _, found others',
      );
    }
  }
  return {
    credentialHeader,
    ...(kid === undefined ? {} : { canonicalKid: kid }),
    credentialPayload,
    credentialSignature,
    proofIat,
    ...(nonce === undefined ? {} : { nonce }),
    proofSignature,
  };
}

/**
 * The credential in compact JWS form, exactly as the authority signed it. Its SHA-256 is what
 * the holder proof binds (`cred_hash`).
 */
export function credentialCompact(
  parts: Pick<PresentationParts, 'credentialHeader' | 'credentialPayload' | 'credentialSignature'>,
): string {
  return `${encodeBase64url(parts.credentialHeader)}.${encodeBase64url(parts.credentialPayload)}.${encodeBase64url(parts.credentialSignature)}`;
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
  checkNonce(nonce);
  const payload =
    nonce === undefined
      ? `{"iat":${iat},"cred_hash":"${encodeBase64url(credentialHash)}"}`
      : `{"iat":${iat},"nonce":"${nonce}","cred_hash":"${encodeBase64url(credentialHash)}"}`;
  return utf8(`${PROOF_HEADER_B64}.${encodeBase64url(utf8(payload))}`);
}

/**
 * The key id of a header in the canonical form, as bytes; undefined for any other header, which
 * then travels as it is (FORMAT.md §4.1).
 */
function canonicalKid(header: Uint8Array): Uint8Array | undefined {
  if (header.length > 128) return undefined;
  const kid = CANONICAL_HEADER.exec(String.fromCharCode(...header))?.[1];
  if (kid === undefined) return undefined;
  try {
    // Canonical base64url of exactly 32 bytes, so that the decoder writes the same kid back.
    const bytes = decodeBase64url(kid, 'credential kid');
    return bytes.length === KID_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A header that travelled written out. The canonical header travels as its key id only, so its
 * bytes written out are a second text for the same presentation: refused, as every other
 * non-canonical encoding is (FORMAT.md §4.2).
 * @throws {LicenceError} `ERR_MALFORMED` when `header` is the canonical one.
 */
function explicitHeader(header: Uint8Array): Uint8Array {
  if (canonicalKid(header) !== undefined) {
    throw new LicenceError(
      'ERR_MALFORMED',
      'credential header: expected the canonical header as its key id only (length 0), found it written out',
    );
  }
  return header;
}

function checkNonce(nonce: string | undefined): void {
  if (nonce !== undefined && !NONCE_PATTERN.test(nonce)) {
    throw new RangeError('nonce: expected 1-64 characters of A-Z a-z 0-9 - _');
  }
}
