/**
 * Stable error codes. A code is set where the error is thrown and never derived from a message.
 * Caller mistakes (wrong argument types, bad options) are `TypeError`/`RangeError`, not these.
 */
export type LicenceErrorCode =
  // Input that is not what the format says.
  | 'ERR_MALFORMED'
  | 'ERR_TOO_LARGE'
  // JOSE header rules (docs/DOMAIN.md §4).
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_WRONG_TYPE'
  | 'ERR_CRIT_UNSUPPORTED'
  | 'ERR_KEY_IN_HEADER'
  | 'ERR_HEADER_INVALID'
  // Keys and signatures.
  | 'ERR_UNKNOWN_ISSUER'
  | 'ERR_BAD_SIGNATURE'
  | 'ERR_HOLDER_SIGNATURE'
  | 'ERR_KEY_INVALID'
  // Claims, after the signature has passed.
  | 'ERR_CLAIMS_INVALID'
  | 'ERR_ISSUER_MISMATCH'
  | 'ERR_LICENCE_INVALID'
  // Selective disclosure (credential format version 2).
  | 'ERR_DISCLOSURE_MISMATCH'
  | 'ERR_DISCLOSURE_DUPLICATE'
  | 'ERR_DISCLOSURE_UNKNOWN';

/** An error with a stable `code`, set where it is thrown and never derived from its message. */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An error in licence data, a credential or a presentation, with a stable `code`. */
export class LicenceError extends CodedError<LicenceErrorCode> {
  override readonly name = 'LicenceError';
}

/** True when `value` is a {@link LicenceError}, optionally with the given code. */
export function isLicenceError(value: unknown, code?: LicenceErrorCode): value is LicenceError {
  return value instanceof LicenceError && (code === undefined || value.code === code);
}
