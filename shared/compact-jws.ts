import { LicenceError } from './errors.js';
import { decodeBase64url } from './base64url.js';
import { decodeUtf8, parseJsonObject } from './utf8.js';
import { ED25519_SIGNATURE_LENGTH } from './crypto-backend.js';

/** Largest compact JWS read at all, before any decoding (a status list for 10 M entries fits). */
export const MAX_COMPACT_JWS_LENGTH = 1 << 20;

/** The algorithms a verifier accepts: EdDSA over Ed25519 only (RFC 8037; RFC 9864 `Ed25519`). */
export const ACCEPTED_ALGS: readonly string[] = ['EdDSA', 'Ed25519'];

/** Headers that would hand the verifier a key or a key location: never honoured, so refused. */
const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;

/** A compact JWS taken apart, nothing verified yet. */
export interface CompactJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly headerBytes: Uint8Array;
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  /** ASCII of `BASE64URL(header) "." BASE64URL(payload)` (RFC 7515 §5.1 step 8). */
  readonly signingInput: Uint8Array;
}

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) strictly: exactly three segments, canonical
 * base64url in each, no whitespace anywhere, a UTF-8 JSON object as header, a 64-byte signature.
 * Nothing is trusted yet; the header is only parsed.
 * @throws {LicenceError} `ERR_MALFORMED`, `ERR_TOO_LARGE`.
 */
export function parseCompactJws(text: string, what = 'JWS'): CompactJws {
  if (text.length > MAX_COMPACT_JWS_LENGTH) {
    throw new LicenceError(
      'ERR_TOO_LARGE',
      `${what}: expected at most ${MAX_COMPACT_JWS_LENGTH} characters, found ${text.length}`,
    );
  }
  const first = text.indexOf('.');
  const second = first < 0 ? -1 : text.indexOf('.', first + 1);
  if (first < 0 || second < 0 || text.indexOf('.', second + 1) >= 0) {
    const segments = text.split('.').length;
    throw new LicenceError(
      'ERR_MALFORMED',
      `${what}: expected 3 dot-separated segments, found ${segments}`,
    );
  }
  const headerText = text.slice(0, first);
  const payloadText = text.slice(first + 1, second);
  const signatureText = text.slice(second + 1);
  if (headerText === '')
    throw new LicenceError(
      'ERR_MALFORMED',
      `${what}: expected a protected header, found an empty segment`,
    );
  const headerBytes = decodeBase64url(headerText, `${what} header`);
  const payloadBytes = decodeBase64url(payloadText, `${what} payload`);
  const signature = decodeBase64url(signatureText, `${what} signature`);
  if (signature.length !== ED25519_SIGNATURE_LENGTH) {
    throw new LicenceError(
      'ERR_MALFORMED',
      `${what} signature: expected ${ED25519_SIGNATURE_LENGTH} bytes, found ${signature.length}`,
    );
  }
  const header = parseJsonObject(decodeUtf8(headerBytes, `${what} header`), `${what} header`);
  const signingInput = asciiBytes(text, second);
  return { header, headerBytes, payloadBytes, signature, signingInput };
}

/** The rules every protected header here must keep, with what each kind of token adds. */
export interface HeaderRules {
  /** The `typ` this kind of token must carry (RFC 8725 §3.11 explicit typing). */
  readonly typ?: string;
  /** Members allowed besides `alg`, `typ`, `kid`; anything else is refused. Omit to allow any. */
  readonly allowed?: readonly string[];
  readonly what: string;
}

/**
 * Applies the JOSE rules of a verifier that pins its algorithm (RFC 8725 §3.1, RFC 7515 §4.1):
 * `alg` is EdDSA or Ed25519, exactly as written; `crit` is refused (no extension is understood,
 * RFC 7515 §4.1.11), and so is `b64` (RFC 7797: not for JWTs); key-carrying headers are refused
 * (a key never comes from the token); `kid` is a string when present; `typ` is required to match.
 * @throws {LicenceError} `ERR_ALG_NOT_ALLOWED`, `ERR_CRIT_UNSUPPORTED`, `ERR_KEY_IN_HEADER`,
 *   `ERR_WRONG_TYPE`, `ERR_HEADER_INVALID`.
 */
export function checkJoseHeader(
  header: Readonly<Record<string, unknown>>,
  rules: HeaderRules,
): void {
  const { alg } = header;
  if (typeof alg !== 'string' || !ACCEPTED_ALGS.includes(alg)) {
    throw new LicenceError(
      'ERR_ALG_NOT_ALLOWED',
      `${rules.what} header alg: expected "EdDSA" or "Ed25519", found ${describe(alg)}`,
    );
  }
  if ('crit' in header) {
    throw new LicenceError(
      'ERR_CRIT_UNSUPPORTED',
      `${rules.what} header crit: expected none (no extension is understood), found ${describe(header.crit)}`,
    );
  }
  if ('b64' in header) {
    throw new LicenceError(
      'ERR_CRIT_UNSUPPORTED',
      `${rules.what} header b64: expected none (RFC 7797 unencoded payloads are not accepted), found ${describe(header.b64)}`,
    );
  }
  for (const name of KEY_HEADERS) {
    if (name in header) {
      throw new LicenceError(
        'ERR_KEY_IN_HEADER',
        `${rules.what} header: expected no "${name}" (keys come only from the trust list), found one`,
      );
    }
  }
  if ('kid' in header && typeof header.kid !== 'string') {
    throw new LicenceError(
      'ERR_HEADER_INVALID',
      `${rules.what} header kid: expected a string, found ${describe(header.kid)}`,
    );
  }
  if (rules.typ !== undefined && header.typ !== rules.typ) {
    throw new LicenceError(
      'ERR_WRONG_TYPE',
      `${rules.what} header typ: expected "${rules.typ}", found ${describe(header.typ)}`,
    );
  }
  if (rules.allowed !== undefined) {
    for (const name of Object.keys(header)) {
      if (name !== 'alg' && name !== 'typ' && name !== 'kid' && !rules.allowed.includes(name)) {
        throw new LicenceError(
          'ERR_HEADER_INVALID',
          `${rules.what} header: expected only alg, typ, kid${rules.allowed.map((a) => `, ${a}`).join('')}, found "${name}"`,
        );
      }
    }
  }
}

/**
 * Refuses a header of this format that travelled written out but is not exactly
 * `{"alg":…,"kid":…,"typ":…}`: no whitespace, each member once, in this order (FORMAT.md §3.1).
 * Other texts JSON reads as the same members (another order, spaces, a member twice of which
 * the last wins) are not all read alike by every parser; here only the one text is a header.
 * Call after {@link checkJoseHeader}, with the members it passed.
 * @throws {LicenceError} `ERR_HEADER_INVALID`.
 */
export function checkExactHeader(
  text: string,
  header: Readonly<Record<string, unknown>>,
  what: string,
): void {
  const exact = JSON.stringify({ alg: header.alg, kid: header.kid, typ: header.typ });
  if (text !== exact)
    throw new LicenceError(
      'ERR_HEADER_INVALID',
      `${what} header: expected exactly {"alg":...,"kid":...,"typ":...} (no whitespace, each member once, in this order), found ${describe(text)}`,
    );
}

/** A short, safe description of an untrusted value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function asciiBytes(text: string, length: number): Uint8Array {
  // Every character up to the second dot is base64url or '.', already checked: one byte each.
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = text.charCodeAt(i);
  return out;
}
