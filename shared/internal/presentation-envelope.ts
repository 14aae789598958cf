/**
 * What the presentation envelopes of every version share (FORMAT.md §4.1, §8.5): the prefix of
 * the QR text, then the credential (its header as the key id only when canonical, its payload
 * and signature), the proof time and the nonce; and the holder proof's header, which never
 * travels. A version names its prefix and its canonical credential header.
 */
import { decodeBase64url, encodeBase64url } from '../base64url.js';
import { PROOF_TYP } from '../credential.js';
import { ED25519_SIGNATURE_LENGTH } from '../crypto-backend.js';
import { LicenceError } from '../errors.js';
import { utf8 } from '../utf8.js';
import { ByteReader, ByteWriter } from './byte-reader.js';
import { decodeDigits } from './digits.js';

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
/** The start of a canonical header, the kid captured; the rest is the version's. */
const CANONICAL_HEADER_START = /^\{"alg":"EdDSA","kid":"([A-Za-z0-9_-]{43})",/;

/** A version of the presentation envelope. */
export interface EnvelopeVersion {
  /** What its QR text starts with. */
  readonly prefix: string;
  /** Its credential header in the one canonical serialisation, for a key id. */
  readonly canonicalHeader: (kid: string) => string;
}

/** The credential and proof time at the start of an envelope, as they travel. */
export interface CredentialEnvelope {
  /** The credential's protected header, as signed (UTF-8 JSON). */
  readonly credentialHeader: Uint8Array;
  /** Set by the decoder when the header travelled as its key id only. */
  readonly canonicalKid?: string;
  /** The credential's payload, as signed (raw DEFLATE). */
  readonly credentialPayload: Uint8Array;
  readonly credentialSignature: Uint8Array;
  /** Seconds since the epoch when the holder made the proof. */
  readonly proofIat: number;
}

/** @throws {RangeError} unless both signatures have the Ed25519 length. */
export function checkSignatureLengths(
  credentialSignature: Uint8Array,
  proofSignature: Uint8Array,
): void {
  if (
    credentialSignature.length !== ED25519_SIGNATURE_LENGTH ||
    proofSignature.length !== ED25519_SIGNATURE_LENGTH
  ) {
    throw new RangeError(`signatures: expected ${ED25519_SIGNATURE_LENGTH} bytes each`);
  }
}

/** @throws {RangeError} on a nonce outside the allowed alphabet or length. */
export function checkNonce(nonce: string | undefined): void {
  if (nonce !== undefined && !NONCE_PATTERN.test(nonce)) {
    throw new RangeError('nonce: expected 1-64 characters of A-Z a-z 0-9 - _');
  }
}

/** A nonce as it travels: its bytes, none when there is no nonce. */
export function nonceBytes(nonce: string | undefined): Uint8Array {
  return nonce === undefined ? new Uint8Array(0) : utf8(nonce);
}

/**
 * Writes the credential, proof time and nonce as given, the header as its key id only when it
 * is the version's canonical one. Checks nothing.
 */
export function writeCredentialEnvelope(
  version: EnvelopeVersion,
  e: CredentialEnvelope,
  nonce: Uint8Array,
): ByteWriter {
  const writer = new ByteWriter();
  const kid = canonicalKid(version, e.credentialHeader);
  if (kid === undefined) writer.varint(e.credentialHeader.length).bytes(e.credentialHeader);
  else writer.varint(0).bytes(kid);
  return writer
    .varint(e.credentialPayload.length)
    .bytes(e.credentialPayload)
    .bytes(e.credentialSignature)
    .varint(e.proofIat)
    .varint(nonce.length)
    .bytes(nonce);
}

/** The prefix-like start of `text` (up to 8 letters or digits and a colon), for an error. */
export function prefixOf(text: string): string | undefined {
  return /^[A-Za-z0-9]{1,8}:/.exec(text)?.[0];
}

/**
 * The reader of a presentation's envelope: the text no longer than allowed, the version's exact
 * prefix, digits only.
 * @throws {LicenceError} `ERR_MALFORMED`, `ERR_TOO_LARGE`.
 */
export function openEnvelope(version: EnvelopeVersion, text: string): ByteReader {
  if (text.length > MAX_PRESENTATION_LENGTH) {
    throw new LicenceError(
      'ERR_TOO_LARGE',
      `presentation: expected at most ${MAX_PRESENTATION_LENGTH} characters, found ${text.length}`,
    );
  }
  if (!text.startsWith(version.prefix)) {
    const found = prefixOf(text);
    throw new LicenceError(
      'ERR_MALFORMED',
      `presentation: expected text starting "${version.prefix}", found ${found === undefined ? 'no such prefix' : JSON.stringify(found)}`,
    );
  }
  return new ByteReader(decodeDigits(text, version.prefix.length));
}

/**
 * Reads the credential, proof time and nonce bytes: the canonical header only as its key id,
 * the nonce no longer than allowed. Its characters are for {@link decodeNonce}, once the whole
 * envelope is read.
 * @throws {LicenceError} `ERR_MALFORMED`.
 */
export function readCredentialEnvelope(
  version: EnvelopeVersion,
  reader: ByteReader,
): { readonly credential: CredentialEnvelope; readonly nonce: Uint8Array } {
  const headerLength = reader.varint('credential header length');
  const kid =
    headerLength === 0
      ? encodeBase64url(reader.bytesOf(KID_BYTES, 'credential key id'))
      : undefined;
  const credentialHeader =
    kid === undefined
      ? explicitHeader(version, reader.bytesOf(headerLength, 'credential header'))
      : utf8(version.canonicalHeader(kid));
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
  const nonce = reader.bytesOf(nonceLength, 'nonce');
  return {
    credential: {
      credentialHeader,
      ...(kid === undefined ? {} : { canonicalKid: kid }),
      credentialPayload,
      credentialSignature,
      proofIat,
    },
    nonce,
  };
}

/**
 * The nonce of the bytes read, none when there are none.
 * @throws {LicenceError} `ERR_MALFORMED` on characters outside the allowed alphabet.
 */
export function decodeNonce(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  const nonce = String.fromCharCode(...bytes);
  if (!NONCE_PATTERN.test(nonce)) {
    throw new LicenceError(
      'ERR_MALFORMED',
      'nonce: expected 1-64 characters of A-Z a-z 0-9 - _, found others',
    );
  }
  return nonce;
}

/**
 * The credential in compact JWS form, exactly as the authority signed it: what the holder
 * proof binds.
 */
export function credentialCompact(
  parts: Pick<CredentialEnvelope, 'credentialHeader' | 'credentialPayload' | 'credentialSignature'>,
): string {
  return `${encodeBase64url(parts.credentialHeader)}.${encodeBase64url(parts.credentialPayload)}.${encodeBase64url(parts.credentialSignature)}`;
}

/**
 * The JWS signing input of a holder proof with header `{"alg":"EdDSA","typ":"lzkb+jwt"}` and
 * the version's payload JSON, exactly as given.
 */
export function proofSigningInputOf(payload: string): Uint8Array {
  return utf8(`${PROOF_HEADER_B64}.${encodeBase64url(utf8(payload))}`);
}

/**
 * The key id of a header in the version's canonical form, as bytes; undefined for any other
 * header, which then travels as it is (FORMAT.md §4.1).
 */
function canonicalKid(version: EnvelopeVersion, header: Uint8Array): Uint8Array | undefined {
  if (header.length > 128) return undefined;
  const text = String.fromCharCode(...header);
  const kid = CANONICAL_HEADER_START.exec(text)?.[1];
  if (kid === undefined || text !== version.canonicalHeader(kid)) return undefined;
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
function explicitHeader(version: EnvelopeVersion, header: Uint8Array): Uint8Array {
  if (canonicalKid(version, header) !== undefined) {
    throw new LicenceError(
      'ERR_MALFORMED',
      'credential header: expected the canonical header as its key id only (length 0), found it written out',
    );
  }
  return header;
}
