/**
 * The request QR (FORMAT.md §9.2): a verifier device asks a holder for some groups, for one
 * purpose, with a fresh nonce, and proves who it is with its certificate and its device key.
 * The holder's phone checks it offline against the authority's keys before showing anything.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url, encodeBase64url } from '../base64url.js';
import {
  checkExactHeader,
  checkJoseHeader,
  parseCompactJws,
  type CompactJws,
} from '../compact-jws.js';
import {
  ED25519_SIGNATURE_LENGTH,
  type CryptoBackend,
  type PublicKeyHandle,
  type Signer,
} from '../crypto-backend.js';
import { CodedError, LicenceError } from '../errors.js';
import { encodeDigits } from '../internal/digits.js';
import * as envelope from '../internal/presentation-envelope.js';
import { readStatus, STATUS } from '../status-list.js';
import {
  GROUP_COUNT,
  PURPOSES,
  purposeOfCode,
  type GroupIndex,
  type Purpose,
} from '../sd/groups.js';
import { decodeUtf8, parseJsonObject, utf8 } from '../utf8.js';
import { REQUEST_PREFIX } from './prefix.js';
import {
  canonicalCertificateHeader,
  readCertificatePayload,
  VERIFIER_CERT_TYP,
  type Role,
  type VerifierCertificate,
} from './certificate.js';

export { REQUEST_PREFIX };
/** Bytes of a request nonce, from the CSPRNG: base64url of 22 characters. */
export const REQUEST_NONCE_BYTES = 16;
/** Seconds a request may be answered after it was made; a code answering it is good as long. */
export const REQUEST_MAX_AGE = 300;
const REQUEST_HEADER_B64 = encodeBase64url(utf8('{"alg":"EdDSA","typ":"lzrq+jwt"}'));
const VERSION: envelope.EnvelopeVersion = {
  prefix: REQUEST_PREFIX,
  canonicalHeader: canonicalCertificateHeader,
};

/** Why a phone refuses a request; each has words on the phone. */
export type RequestErrorCode =
  | 'ERR_REQUEST_MALFORMED'
  | 'ERR_REQUEST_UNKNOWN_AUTHORITY'
  | 'ERR_REQUEST_CERT_SIGNATURE'
  | 'ERR_REQUEST_CERT_INVALID'
  | 'ERR_REQUEST_CERT_EXPIRED'
  | 'ERR_REQUEST_CERT_NOT_YET_VALID'
  | 'ERR_REQUEST_CERT_REVOKED'
  | 'ERR_REQUEST_SIGNATURE'
  | 'ERR_REQUEST_BEYOND_ROLE'
  | 'ERR_REQUEST_EXPIRED'
  | 'ERR_REQUEST_NOT_YET_VALID';

/** A refused request, with a stable code. */
export class RequestError extends CodedError<RequestErrorCode> {
  override readonly name = 'RequestError';
}

/** A request taken apart; nothing verified yet. */
export interface RequestParts {
  /** The certificate's protected header, as signed. */
  readonly certificateHeader: Uint8Array;
  readonly canonicalKid?: string;
  /** The certificate's payload, as signed (raw DEFLATE). */
  readonly certificatePayload: Uint8Array;
  readonly certificateSignature: Uint8Array;
  /** When the device made the request, seconds since the epoch. */
  readonly iat: number;
  /** 22 characters of base64url. */
  readonly nonce: string;
  readonly purpose: Purpose;
  /** The groups asked for, strictly increasing. */
  readonly groups: readonly GroupIndex[];
  /** The device's signature over {@link requestSigningInput}. */
  readonly signature: Uint8Array;
}

/** The certificate of a request as its compact JWS. */
export function certificateCompact(
  parts: Pick<RequestParts, 'certificateHeader' | 'certificatePayload' | 'certificateSignature'>,
): string {
  return envelope.credentialCompact({
    credentialHeader: parts.certificateHeader,
    credentialPayload: parts.certificatePayload,
    credentialSignature: parts.certificateSignature,
  });
}

/** Writes a request as QR text, checking nothing but the lengths it needs. */
export function encodeRequest(parts: RequestParts): string {
  if (
    parts.certificateSignature.length !== ED25519_SIGNATURE_LENGTH ||
    parts.signature.length !== ED25519_SIGNATURE_LENGTH
  )
    throw new RangeError(`signatures: expected ${ED25519_SIGNATURE_LENGTH} bytes each`);
  const writer = envelope
    .writeCredentialEnvelope(
      VERSION,
      {
        credentialHeader: parts.certificateHeader,
        credentialPayload: parts.certificatePayload,
        credentialSignature: parts.certificateSignature,
        proofIat: parts.iat,
      },
      utf8(parts.nonce),
    )
    .bytes(Uint8Array.of(PURPOSES[parts.purpose].code))
    .varint(parts.groups.length)
    .bytes(Uint8Array.from(parts.groups))
    .bytes(parts.signature);
  return REQUEST_PREFIX + encodeDigits(writer.finish());
}

/**
 * Takes a request's QR text apart, strictly; verifies nothing.
 * @throws {RequestError} `ERR_REQUEST_MALFORMED`.
 */
export function decodeRequest(text: string): RequestParts {
  try {
    const reader = envelope.openEnvelope(VERSION, text);
    const { credential, nonce: nonceRead } = envelope.readCredentialEnvelope(VERSION, reader);
    const purposeCode = reader.bytesOf(1, 'purpose')[0] as number;
    const purpose = purposeOfCode(purposeCode);
    if (purpose === undefined)
      throw new LicenceError('ERR_MALFORMED', `purpose: expected 1-6, found ${purposeCode}`);
    const count = reader.varint('number of groups');
    const groups = Array.from(reader.bytesOf(count, 'groups'));
    if (
      count === 0 ||
      groups.some((g, i) => g >= GROUP_COUNT || (i > 0 && g <= (groups[i - 1] as number)))
    )
      throw new LicenceError(
        'ERR_MALFORMED',
        `groups: expected strictly increasing indices 0-${GROUP_COUNT - 1}, found ${groups.join(',') || 'none'}`,
      );
    const signature = reader.bytesOf(ED25519_SIGNATURE_LENGTH, 'request signature');
    reader.end('request');
    const nonce = envelope.decodeNonce(nonceRead);
    if (nonce?.length !== 22)
      throw new LicenceError('ERR_MALFORMED', 'nonce: expected 22 characters of base64url');
    return {
      certificateHeader: credential.credentialHeader,
      ...(credential.canonicalKid === undefined ? {} : { canonicalKid: credential.canonicalKid }),
      certificatePayload: credential.credentialPayload,
      certificateSignature: credential.credentialSignature,
      iat: credential.proofIat,
      nonce,
      purpose,
      groups: groups as GroupIndex[],
      signature: signature.slice(),
    };
  } catch (error) {
    if (error instanceof LicenceError)
      throw new RequestError('ERR_REQUEST_MALFORMED', error.message, { cause: error });
    throw error;
  }
}

/**
 * The bytes the verifier device signs: the JWS signing input of header
 * `{"alg":"EdDSA","typ":"lzrq+jwt"}` and payload
 * `{"cert_hash":"H","groups":[…],"iat":T,"nonce":"N","purpose":"P"}`, exactly so.
 * @param certificateHash SHA-256 of the ASCII compact certificate.
 */
export function requestSigningInput(
  certificateHash: Uint8Array,
  request: Pick<RequestParts, 'iat' | 'nonce' | 'purpose' | 'groups'>,
): Uint8Array {
  const payload = `{"cert_hash":"${encodeBase64url(certificateHash)}","groups":[${request.groups.join(',')}],"iat":${request.iat},"nonce":"${request.nonce}","purpose":"${request.purpose}"}`;
  return utf8(`${REQUEST_HEADER_B64}.${encodeBase64url(utf8(payload))}`);
}

/** Options for {@link createRequest}. */
export interface CreateRequestOptions {
  readonly now: Date;
  /** The role's own purpose, or `custom` with groups within the certificate's `may`. */
  readonly purpose: Purpose;
  /** For `custom`: the groups asked for. */
  readonly groups?: readonly number[];
  /** Fixed only in tests: 22 characters of base64url; fresh from the CSPRNG when omitted. */
  readonly nonce?: string;
}

/**
 * Makes a request's QR text with the device key. The verifier device's part.
 * @throws {RangeError} on a certificate that is not a compact JWS, or groups outside the purpose.
 */
export async function createRequest(
  certificate: string,
  deviceSigner: Pick<Signer, 'sign'>,
  options: CreateRequestOptions,
): Promise<{ readonly text: string; readonly nonce: string; readonly iat: number }> {
  let jws: CompactJws;
  try {
    jws = parseCompactJws(certificate, 'certificate');
  } catch (cause) {
    throw new RangeError('certificate: expected a compact JWS', { cause });
  }
  const iat = Math.floor(options.now.getTime() / 1000);
  const fixed = PURPOSES[options.purpose].groups;
  const groups = (fixed ?? [...(options.groups ?? [])].sort((a, b) => a - b)) as GroupIndex[];
  if (groups.length === 0)
    throw new RangeError('groups: expected at least one for a custom purpose');
  const nonce =
    options.nonce ??
    encodeBase64url(globalThis.crypto.getRandomValues(new Uint8Array(REQUEST_NONCE_BYTES)));
  const signature = await deviceSigner.sign(
    requestSigningInput(sha256(utf8(certificate)), {
      iat,
      nonce,
      purpose: options.purpose,
      groups,
    }),
  );
  const text = encodeRequest({
    certificateHeader: jws.headerBytes,
    certificatePayload: jws.payloadBytes,
    certificateSignature: jws.signature,
    iat,
    nonce,
    purpose: options.purpose,
    groups,
    signature,
  });
  return { text, nonce, iat };
}

/** The authority's keys as the phone keeps them: a trust store (verifier/trust-store.ts). */
export interface AuthorityKeys {
  readonly backend: CryptoBackend;
  byThumbprint(kid: string): { readonly key: PublicKeyHandle } | undefined;
}

/** A verifier status list the phone keeps, already verified. */
export interface CertificateStatusList {
  readonly uri: string;
  readonly bits: 1 | 2 | 4 | 8;
  readonly list: Uint8Array;
}

/** Options for {@link verifyRequest}. */
export interface VerifyRequestOptions {
  readonly keys: AuthorityKeys;
  readonly now: Date;
  /** Seconds of clock difference tolerated. Default 10. */
  readonly clockTolerance?: number;
  /** Verified status lists of verifier certificates, by URI. */
  readonly statusLists?: ReadonlyMap<string, CertificateStatusList>;
}

/** A request that verified: who asks, in which role, for what. */
export interface VerifiedRequest {
  readonly org: string;
  readonly role: Role;
  readonly purpose: Purpose;
  readonly groups: readonly GroupIndex[];
  readonly nonce: string;
  readonly iat: number;
  /** Until when a code answering it is accepted (seconds). */
  readonly answerBy: number;
  /** base64url SHA-256 of the compact certificate: the verifier a presentation names. */
  readonly audience: string;
  readonly certificate: VerifierCertificate;
  /** True when no status list of the certificate was at hand: revocation not checked. */
  readonly statusUnchecked: boolean;
}

/**
 * Verifies a request offline, in order: parse, header, the authority's key, the certificate's
 * signature and claims, its validity and status, the device's signature, the request's time,
 * and that it asks for no more than the certificate's role allows.
 * @throws {RequestError} at the first failure, with its code.
 */
export function verifyRequest(text: string, options: VerifyRequestOptions): VerifiedRequest {
  const tolerance = options.clockTolerance ?? 10;
  const now = Math.floor(options.now.getTime() / 1000);
  const { backend } = options.keys;
  const parts = decodeRequest(text);
  let kid: string;
  try {
    const written =
      parts.canonicalKid === undefined
        ? decodeUtf8(parts.certificateHeader, 'certificate header')
        : undefined;
    const header =
      written === undefined
        ? { alg: 'EdDSA', kid: parts.canonicalKid, typ: VERIFIER_CERT_TYP }
        : parseJsonObject(written, 'certificate header');
    checkJoseHeader(header, { typ: VERIFIER_CERT_TYP, allowed: [], what: 'certificate' });
    if (typeof header.kid !== 'string')
      throw new LicenceError('ERR_HEADER_INVALID', 'certificate kid: expected one');
    if (written !== undefined) checkExactHeader(written, header, 'certificate');
    kid = header.kid;
  } catch (error) {
    throw new RequestError(
      'ERR_REQUEST_MALFORMED',
      error instanceof Error ? error.message : 'certificate header',
      { cause: error },
    );
  }
  const authority = options.keys.byThumbprint(kid);
  if (authority === undefined)
    throw new RequestError(
      'ERR_REQUEST_UNKNOWN_AUTHORITY',
      'certificate kid names no key of the authority',
    );
  const compact = certificateCompact(parts);
  const signingInput = utf8(compact.slice(0, compact.lastIndexOf('.')));
  if (!backend.verify(authority.key, signingInput, parts.certificateSignature))
    throw new RequestError(
      'ERR_REQUEST_CERT_SIGNATURE',
      "certificate: the authority's signature does not verify",
    );
  let certificate: VerifierCertificate;
  try {
    certificate = readCertificatePayload(parts.certificatePayload, backend);
  } catch (error) {
    throw new RequestError(
      'ERR_REQUEST_CERT_INVALID',
      error instanceof Error ? error.message : 'certificate claims',
      { cause: error },
    );
  }
  if (certificate.nbf > now + tolerance)
    throw new RequestError(
      'ERR_REQUEST_CERT_NOT_YET_VALID',
      `certificate valid from ${certificate.nbf}`,
    );
  if (now - tolerance >= certificate.exp)
    throw new RequestError('ERR_REQUEST_CERT_EXPIRED', `certificate expired at ${certificate.exp}`);
  const list = options.statusLists?.get(certificate.status.uri);
  if (list !== undefined) {
    let value: number;
    try {
      value = readStatus(list.list, list.bits, certificate.status.idx);
    } catch {
      value = -1;
    }
    if (value !== STATUS.VALID)
      throw new RequestError(
        'ERR_REQUEST_CERT_REVOKED',
        `certificate status: ${value === -1 ? 'not in the list' : value}`,
      );
  }
  let deviceOk: boolean;
  try {
    deviceOk = backend.verifyOnce(
      decodeBase64url(certificate.holderKey, 'certificate cnf.jwk.x'),
      requestSigningInput(backend.sha256(utf8(compact)), parts),
      parts.signature,
    );
  } catch {
    deviceOk = false;
  }
  if (!deviceOk)
    throw new RequestError(
      'ERR_REQUEST_SIGNATURE',
      "request: the device's signature does not verify with the certificate's key",
    );
  if (parts.iat > now + tolerance)
    throw new RequestError(
      'ERR_REQUEST_NOT_YET_VALID',
      `request made ${parts.iat - now} s after this phone's clock`,
    );
  if (now - parts.iat > REQUEST_MAX_AGE + tolerance)
    throw new RequestError(
      'ERR_REQUEST_EXPIRED',
      `request is ${now - parts.iat} s old; at most ${REQUEST_MAX_AGE} s`,
    );
  const beyond = parts.groups.filter((g) => !certificate.may.includes(g));
  if ((parts.purpose !== certificate.role && parts.purpose !== 'custom') || beyond.length > 0)
    throw new RequestError(
      'ERR_REQUEST_BEYOND_ROLE',
      `request: role ${certificate.role} may ask for ${certificate.may.join(',')} as ${certificate.role} or custom; asked ${parts.groups.join(',')} as ${parts.purpose}`,
    );
  const fixed = PURPOSES[parts.purpose].groups;
  if (
    fixed !== undefined &&
    (fixed.length !== parts.groups.length || fixed.some((g, i) => g !== parts.groups[i]))
  )
    throw new RequestError(
      'ERR_REQUEST_MALFORMED',
      `groups: purpose ${parts.purpose} asks for ${fixed.join(',')}`,
    );
  return {
    org: certificate.org,
    role: certificate.role,
    purpose: parts.purpose,
    groups: parts.groups,
    nonce: parts.nonce,
    iat: parts.iat,
    answerBy: parts.iat + REQUEST_MAX_AGE,
    audience: encodeBase64url(backend.sha256(utf8(compact))),
    certificate,
    statusUnchecked: list === undefined,
  };
}
