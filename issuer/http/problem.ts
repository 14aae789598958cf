import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { LicenceError } from '../../shared/errors.js';
import { LicenceValidationError } from '../../shared/licence.js';

/** A failure with an HTTP status and a stable code, answered as problem+json (RFC 9457). */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Details a client can act on (field issues, retry time), free of personal data. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** 400: the request itself is wrong. */
export const badRequest = (code: string, message: string, extra?: Record<string, unknown>) =>
  new ServiceError(400, code, message, extra);
/** 404 */
export const notFound = (what: string) =>
  new ServiceError(404, 'ERR_NOT_FOUND', `${what}: not found`);
/** 409: the request conflicts with the current state (an illegal transition, a duplicate). */
export const conflict = (code: string, message: string, extra?: Record<string, unknown>) =>
  new ServiceError(409, code, message, extra);

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
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
  code: string,
  detail: string,
  extra: Readonly<Record<string, unknown>> = {},
): void {
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
      sendProblem(res, 422, error.code, error.message, { issues: error.issues });
      return;
    }
    if (error instanceof LicenceError) {
      sendProblem(res, 422, error.code, error.message);
      return;
    }
    // express.json() and body parsers set status and type on their errors.
    const status = (error as { status?: unknown }).status;
    const type = (error as { type?: unknown }).type;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code =
        type === 'entity.too.large'
          ? 'ERR_TOO_LARGE'
          : type === 'entity.parse.failed'
            ? 'ERR_MALFORMED_JSON'
            : 'ERR_BAD_REQUEST';
      sendProblem(
        res,
        status,
        code,
        type === 'entity.parse.failed'
          ? 'request body: expected JSON, found text that does not parse'
          : type === 'entity.too.large'
            ? `request body: expected at most ${String((error as { limit?: unknown }).limit)} bytes, found ${String((error as { length?: unknown }).length)}`
            : 'request not accepted',
      );
      return;
    }
    logger.error(
      { err: error, method: req.method, route: (req.route as { path?: string } | undefined)?.path },
      'request failed',
    );
    sendProblem(res, 500, 'ERR_INTERNAL', 'internal error');
  };
}

/** 404 for anything no route took. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'ERR_NOT_FOUND', `${req.method} ${req.path}: no such route`);
};
