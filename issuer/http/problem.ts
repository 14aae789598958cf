import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { LicenceError } from '../../shared/errors.js';
import { LicenceValidationError } from '../../shared/licence/validate.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import { isErrorCode, ServiceError, type ErrorCode } from '../service-error.js';

/** Seconds a client is asked to wait when the database cannot serve (Retry-After). */
const UNAVAILABLE_RETRY_AFTER = 5;

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Sends one problem document. */
export function sendProblem(
  res: Parameters<RequestHandler>[1],
  status: number,
  code: ErrorCode,
  detail: string,
  extra: Readonly<Record<string, unknown>> = {},
): void {
  // A problem that says when to come back says it in the header too (RFC 9110 §10.2.3).
  if (typeof extra.retryAfter === 'number') res.set('Retry-After', String(extra.retryAfter));
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `urn:liangzheng:problem:${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      ...extra,
    });
}

/** The one error middleware: every error becomes problem+json; only a 5xx is logged as an error. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof ServiceError) {
      sendProblem(res, error.status, error.code, error.message, error.extra);
      return;
    }
    if (error instanceof LicenceValidationError) {
      sendProblem(res, 422, 'ERR_LICENCE_INVALID', error.message, { issues: error.issues });
      return;
    }
    // The licence model's codes the service answers (a key, a record); any other reaching here
    // is a failure of the service, not of the request.
    if (error instanceof LicenceError && isErrorCode(error.code)) {
      sendProblem(res, 422, error.code, error.message);
      return;
    }
    // A path parameter whose %XX escapes do not decode (the router's decodeURIComponent).
    if (error instanceof URIError) {
      const expected = 'percent-encoded UTF-8 (%XX escapes)';
      const found = 'an escape that does not decode';
      sendProblem(
        res,
        400,
        'ERR_BAD_REQUEST',
        `request path: expected ${expected}, found ${found}`,
        {
          expected,
          found,
        },
      );
      return;
    }
    // express.json() and the other body parsers set status and type on their errors.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const { code, detail, extra } = bodyParserProblem(error as BodyParserError, req);
      sendProblem(res, status, code, detail, extra);
      return;
    }
    const route = (req.route as { path?: string } | undefined)?.path;
    // The database down, failing over, locked or full: the same request can succeed in a moment.
    // (Almost always nothing of it was kept; a connection lost while its commit was under way
    // leaves that unknown, so neither the answer nor the apps say nothing changed.)
    if (isDatabaseUnavailable(error)) {
      logger.error({ err: error, method: req.method, route }, 'database unavailable');
      sendProblem(res, 503, 'ERR_UNAVAILABLE', 'the service cannot reach its database; try again', {
        retryAfter: UNAVAILABLE_RETRY_AFTER,
      });
      return;
    }
    logger.error({ err: error, method: req.method, route }, 'request failed');
    sendProblem(res, 500, 'ERR_INTERNAL', 'internal error');
  };
}

/** 415 `ERR_UNSUPPORTED_ENCODING`: a Content-Encoding the service does not undo. */
export function unsupportedEncoding(found: unknown): ServiceError {
  return new ServiceError(
    415,
    'ERR_UNSUPPORTED_ENCODING',
    `Content-Encoding: expected ${CONTENT_CODINGS}, found ${named(found)}`,
    { expected: CONTENT_CODINGS, found: named(found) },
  );
}

/** 415 `ERR_UNSUPPORTED_MEDIA_TYPE`: a body in a charset other than UTF-8. */
export function unsupportedCharset(found: unknown): ServiceError {
  return new ServiceError(
    415,
    'ERR_UNSUPPORTED_MEDIA_TYPE',
    `Content-Type charset: expected utf-8, found ${named(found)}`,
    { expected: 'utf-8', found: named(found) },
  );
}

/** The members of a body parser's error read here (body-parser 2, raw-body 3). */
interface BodyParserError {
  readonly type?: unknown;
  readonly limit?: unknown;
  readonly length?: unknown;
  readonly encoding?: unknown;
  readonly charset?: unknown;
  /** zlib's, for a body that does not decompress (`Z_DATA_ERROR`, `Z_BUF_ERROR`, …). */
  readonly code?: unknown;
}

/** The Content-Encodings the body parsers undo (body-parser 2; the registry import's own). */
const CONTENT_CODINGS = 'identity, gzip, deflate or br';
/** A content coding or charset name as sent (RFC 9110 §8.4.1: a token); others are described. */
const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/i;

const named = (value: unknown): string =>
  typeof value === 'string' && TOKEN.test(value)
    ? JSON.stringify(value)
    : 'a value that is not a name';

const asProblem = (error: ServiceError) => ({
  code: error.code,
  detail: error.message,
  extra: { ...error.extra },
});

/**
 * A body parser's refusal as a problem that says what was expected and what was found: the
 * size limit and how far past it the body went, the charset or the Content-Encoding sent.
 */
function bodyParserProblem(
  error: BodyParserError,
  req: Parameters<RequestHandler>[0],
): { code: ErrorCode; detail: string; extra: Record<string, unknown> } {
  const problem = (code: ErrorCode, subject: string, expected: string, found: string) => ({
    code,
    detail: `${subject}: expected ${expected}, found ${found}`,
    extra: { expected, found },
  });
  switch (error.type) {
    case 'entity.parse.failed':
      return problem('ERR_MALFORMED_JSON', 'request body', 'JSON', 'text that does not parse');
    case 'entity.too.large': {
      const limit = Number(error.limit);
      const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
      const compressed = encoding !== 'identity';
      // A declared length is known before reading; a compressed or chunked body is read (and
      // inflated) only up to the limit, so all that is known is that it went past it.
      const found =
        !compressed && typeof error.length === 'number'
          ? `${error.length} bytes`
          : `more than ${limit} bytes${compressed ? ` once decompressed (Content-Encoding ${named(encoding)}); reading stopped at the limit` : '; reading stopped at the limit'}`;
      return problem('ERR_TOO_LARGE', 'request body', `at most ${limit} bytes`, found);
    }
    case 'encoding.unsupported':
      return asProblem(unsupportedEncoding(error.encoding));
    case 'charset.unsupported':
      return asProblem(unsupportedCharset(error.charset));
    case 'request.aborted':
    case 'request.size.invalid':
      return problem(
        'ERR_BAD_REQUEST',
        'request body',
        'as many bytes as Content-Length says',
        'a body cut short or of another length',
      );
    default:
      if (typeof error.code === 'string' && error.code.startsWith('Z_'))
        return problem(
          'ERR_BAD_REQUEST',
          'request body',
          `a body compressed as its Content-Encoding says (${CONTENT_CODINGS})`,
          'bytes that do not decompress',
        );
      return { code: 'ERR_BAD_REQUEST', detail: 'request not accepted', extra: {} };
  }
}

/** 404 for anything no route took. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'ERR_NOT_FOUND', `${req.method} ${req.path}: no such route`);
};
