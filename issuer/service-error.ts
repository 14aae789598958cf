/**
 * Every error code the service answers, in problem+json's `code` (RFC 9457): clients act on it,
 * so it is stable, and the OpenAPI document lists, per operation, which of these it answers.
 */
export const ERROR_CODES = [
  'ERR_BAD_REQUEST',
  'ERR_MALFORMED_JSON',
  'ERR_TOO_LARGE',
  'ERR_UNSUPPORTED_ENCODING',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_VALIDATION',
  'ERR_UNAUTHENTICATED',
  'ERR_FORBIDDEN',
  'ERR_CSRF',
  'ERR_NOT_FOUND',
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_INTERNAL',
  'ERR_UNAVAILABLE',
  'ERR_REGISTRATION_REFUSED',
  'ERR_SIGN_IN_FAILED',
  'ERR_SIGN_IN_LOCKED',
  'ERR_RATE_LIMITED',
  'ERR_USERNAME_TAKEN',
  'ERR_IMPORT_INVALID',
  'ERR_IMPORT_MALFORMED',
  'ERR_IMPORT_EMPTY',
  'ERR_ILLEGAL_TRANSITION',
  'ERR_LICENCE_INVALID',
  'ERR_KEY_INVALID',
  'ERR_DEVICE_EXISTS',
  'ERR_LICENCE_NOT_USABLE',
  'ERR_CONCURRENT_ISSUANCE',
  'ERR_PHOTO_REJECTED',
  'ERR_IDENTITY_UNAVAILABLE',
  'ERR_VERIFIER_DEVICE_UNKNOWN',
  'ERR_PRESENTATION_NOT_VALID',
  'ERR_PORTRAIT_NOT_FOUND',
  'ERR_PORTRAIT_NOT_DISCLOSED',
  'ERR_PORTRAIT_BEYOND_ROLE',
  'ERR_REQUEST_NOT_VALID',
  'ERR_APPLICATION_NOT_ISSUED',
  'ERR_PHOTO_CHANGE_TOO_SOON',
  'ERR_PUSH_SUBSCRIPTION_INVALID',
  'ERR_LICENCE_NOT_BOUND',
  'ERR_ALREADY_BOUND',
  'ERR_NO_BINDING_CLAIM',
  'ERR_CODE_REQUIRED',
  'ERR_CODE_WRONG',
  'ERR_CODE_EXPIRED',
  'ERR_CODE_TOO_SOON',
  'ERR_SMS_UNAVAILABLE',
  'ERR_IDENTITY_MISMATCH',
  'ERR_LIVENESS_FAILED',
  'ERR_BINDING_CONFLICT',
  'ERR_RESET_EXPIRED',
  'ERR_PHONE_TAKEN',
  'ERR_OWN_ACCOUNT',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const ANSWERED: ReadonlySet<string> = new Set(ERROR_CODES);

/** Whether `code` is one the service answers. */
export const isErrorCode = (code: string): code is ErrorCode => ANSWERED.has(code);

/** A failure with an HTTP status and a stable code, answered as problem+json (RFC 9457). */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Details a client can act on (field issues, retry time), free of personal data. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** 400: the request itself is wrong. */
export const badRequest = (code: ErrorCode, message: string, extra?: Record<string, unknown>) =>
  new ServiceError(400, code, message, extra);
/** 404 */
export const notFound = (what: string) =>
  new ServiceError(404, 'ERR_NOT_FOUND', `${what}: not found`);
/** 409: the request conflicts with the current state (an illegal transition, a duplicate). */
export const conflict = (code: ErrorCode, message: string, extra?: Record<string, unknown>) =>
  new ServiceError(409, code, message, extra);
