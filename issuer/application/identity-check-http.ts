import { assertCheckRequest } from './internal/check-request.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { GATEWAY_SECRET_MIN_LENGTH } from '../config.js';
import { gatewayUrl, postSigned, readGatewayAnswer, type Gateway } from '../gateway-request.js';
import type {
  IdentityCheck,
  IdentityCheckResult,
  IdentityCheckUnavailable,
} from './identity-check.js';

/**
 * The identity check over HTTP: one signed JSON POST per attempt, a timeout per attempt, and a
 * few retries on transient failures. The signing scheme is a typical API-gateway scheme, *not
 * confirmed* for the real provider; if it differs, replace this adapter (docs/IDENTITY-CHECK.md).
 */

/** Options of {@link createHttpIdentityCheck}. */
export interface HttpIdentityCheckOptions {
  /** The provider's endpoint, https://. */
  readonly endpoint: string;
  /** Sent as `X-App-Id`. */
  readonly appId: string;
  /** HMAC-SHA256 key (UTF-8), at least 32 characters. Never logged. */
  readonly secret: string;
  /** Per attempt, including reading the answer. Default 5000. */
  readonly timeoutMs?: number;
  /** Extra attempts after a timeout, a 5xx or a network error. Default 2. */
  readonly retries?: number;
  /** Wait before the first retry, doubled for each further one. Default 100. */
  readonly backoffMs?: number;
  /** Accept http:// for a loopback host (tests with a local fake provider); never for any other host. */
  readonly allowInsecure?: boolean;
  /** Defaults to the global fetch. */
  readonly fetchImpl?: typeof fetch;
  /** Told about each failed attempt: request id, attempt, reason, HTTP status. No personal data. */
  readonly logger?: { warn(details: Readonly<Record<string, unknown>>, message: string): void };
}

/** An answer is a few hundred bytes; anything much larger is not one. */
const MAX_ANSWER_CHARS = 64 * 1024;

const answerSchema = z.object({
  requestId: z.string(),
  result: z.enum(['MATCH', 'MISMATCH', 'LIVENESS_FAILED']),
  score: z.number().min(0).max(100).optional(),
  providerRef: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/)
    .optional(),
});

function unavailable(reason: IdentityCheckUnavailable['reason']): IdentityCheckUnavailable {
  return { outcome: 'unavailable', reason, retryable: true };
}

/** One attempt's result: final, or unavailable and whether another attempt may help. */
type Attempt =
  | { readonly final: IdentityCheckResult }
  | {
      readonly failed: IdentityCheckUnavailable;
      readonly retry: boolean;
      readonly status?: number;
    };

/**
 * Creates the HTTP adapter.
 * @throws {TypeError} when the endpoint is not an https:// URL (http:// only for loopback with
 *   `allowInsecure`), or carries credentials.
 * @throws {RangeError} when the secret is shorter than GATEWAY_SECRET_MIN_LENGTH characters, or a
 *   number is out of range.
 */
export function createHttpIdentityCheck(options: HttpIdentityCheckOptions): IdentityCheck {
  const url = gatewayUrl(options.endpoint, options.allowInsecure);
  if (options.appId.length === 0) throw new TypeError('appId: expected a non-empty string');
  if (options.secret.length < GATEWAY_SECRET_MIN_LENGTH)
    throw new RangeError(
      `secret: expected at least ${GATEWAY_SECRET_MIN_LENGTH} characters, found ${options.secret.length}`,
    );
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 100;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000)
    throw new RangeError(`timeoutMs: expected an integer 1–60000, found ${timeoutMs}`);
  if (!Number.isInteger(retries) || retries < 0 || retries > 5)
    throw new RangeError(`retries: expected an integer 0–5, found ${retries}`);
  if (!Number.isInteger(backoffMs) || backoffMs < 0 || backoffMs > 5000)
    throw new RangeError(`backoffMs: expected an integer 0–5000, found ${backoffMs}`);
  const fetchImpl = options.fetchImpl ?? fetch;
  const { appId, secret, logger } = options;
  // The reference photo is asked of the endpoint's sibling path: …/verify → …/reference-photo.
  const photoUrl = new URL('reference-photo', url);

  const gateway: Gateway = { appId, secret, timeoutMs, fetchImpl };

  async function attempt(body: string, requestId: string): Promise<Attempt> {
    const reply = await postSigned(gateway, url, body);
    if (!reply.ok)
      return {
        failed: unavailable(reply.reason),
        // A network failure or a timeout may pass; of the answers, only a 5xx.
        retry: reply.status === undefined || reply.status >= 500,
        ...(reply.status === undefined ? {} : { status: reply.status }),
      };
    return { final: readAnswer(reply.contentType, reply.text, requestId) };
  }

  return {
    name: 'http',
    async verify(request) {
      assertCheckRequest(request);
      const body = JSON.stringify({
        requestId: request.requestId,
        licenceNumber: request.licenceNumber,
        name: request.name,
        purpose: request.purpose ?? 'stored_photo',
        selfie: Buffer.from(request.selfie).toString('base64'),
      });
      let last: IdentityCheckUnavailable = unavailable('provider_error');
      for (let n = 0; n <= retries; n++) {
        if (n > 0) await sleep(backoffMs * 2 ** (n - 1));
        const result = await attempt(body, request.requestId);
        if ('final' in result) {
          // An answer that came but cannot be used (not JSON, another request's, no score).
          if (result.final.outcome === 'unavailable')
            logger?.warn(
              { requestId: request.requestId, attempt: n + 1, reason: result.final.reason },
              'identity check answer not usable',
            );
          return result.final;
        }
        last = result.failed;
        logger?.warn(
          {
            requestId: request.requestId,
            attempt: n + 1,
            reason: last.reason,
            ...(result.status === undefined ? {} : { status: result.status }),
          },
          'identity check attempt failed',
        );
        if (!result.retry) break;
      }
      return last;
    },
    async referencePhoto(request) {
      // One attempt: a reviewer waiting at the screen can ask again.
      const body = JSON.stringify({
        requestId: request.requestId,
        licenceNumber: request.licenceNumber,
        name: request.name,
      });
      const reply = await postSigned(gateway, photoUrl, body);
      if (!reply.ok) return unavailable(reply.reason);
      const answer = readGatewayAnswer(
        reply.text,
        MAX_PHOTO_ANSWER_CHARS,
        photoAnswerSchema,
        request.requestId,
      );
      if (answer === undefined) return unavailable('provider_error');
      if (answer.result === 'NOT_FOUND') return { outcome: 'not_found' };
      const photo = Buffer.from(answer.photo ?? '', 'base64');
      if (photo[0] !== 0xff || photo[1] !== 0xd8) return unavailable('provider_error');
      return { outcome: 'found', photo: new Uint8Array(photo) };
    },
  };
}

/** A reference photo is at most a few hundred kilobytes, base64. */
const MAX_PHOTO_ANSWER_CHARS = 2 * 1024 * 1024;

const photoAnswerSchema = z.object({
  requestId: z.string(),
  result: z.enum(['FOUND', 'NOT_FOUND']),
  photo: z.base64().optional(),
});

/** Reads a 200 answer, failing closed: anything not exactly as expected is `provider_error`. */
function readAnswer(
  contentType: string | null,
  text: string,
  requestId: string,
): IdentityCheckResult {
  if (contentType === null || !/^application\/json\s*(;|$)/i.test(contentType))
    return unavailable('provider_error');
  const answer = readGatewayAnswer(text, MAX_ANSWER_CHARS, answerSchema, requestId);
  if (answer === undefined) return unavailable('provider_error');
  switch (answer.result) {
    case 'MATCH':
      // A match without a score is not a clear match.
      if (answer.score === undefined) return unavailable('provider_error');
      return {
        outcome: 'match',
        score: answer.score,
        providerRef: answer.providerRef ?? requestId,
      };
    case 'MISMATCH':
      return { outcome: 'mismatch' };
    case 'LIVENESS_FAILED':
      return { outcome: 'liveness_failed' };
  }
}
