import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { z } from 'zod';

/**
 * One signed request to an external government service (the real-person check, the SMS gateway):
 * a JSON POST with `X-App-Id`, `X-Timestamp`, `X-Nonce` and `X-Signature`, the base64url
 * HMAC-SHA256, keyed with the shared secret, over
 * `${timestamp}\n${nonce}\n${base64url(SHA-256(body))}`. A typical API-gateway scheme, not
 * confirmed for the real providers (docs/IDENTITY-CHECK.md, docs/OPERATIONS.md).
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The URL of a service's endpoint.
 * @throws {TypeError} when it is not an https:// URL (http:// only for a loopback host with
 *   `allowInsecure`: tests with a local fake provider), or carries credentials.
 */
export function gatewayUrl(endpoint: string, allowInsecure: boolean | undefined): URL {
  const url = new URL(endpoint);
  const insecureAllowed = allowInsecure === true && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && insecureAllowed))
    throw new TypeError(
      `endpoint: expected an https:// URL, found ${url.protocol}// (http:// only on loopback, for tests)`,
    );
  if (url.username !== '' || url.password !== '')
    throw new TypeError('endpoint: expected no credentials in the URL');
  return url;
}

/** The signature of one request. */
export function signGatewayRequest(
  secret: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  const bodyHash = createHash('sha256').update(body, 'utf8').digest('base64url');
  return createHmac('sha256', secret)
    .update(`${timestamp}\n${nonce}\n${bodyHash}`, 'utf8')
    .digest('base64url');
}

/** Who signs, and how long one request may take (including reading the answer). */
export interface Gateway {
  readonly appId: string;
  readonly secret: string;
  readonly timeoutMs: number;
  readonly fetchImpl: typeof fetch;
}

/** A 200 answer's text, or why there is none (with the HTTP status when one came). */
export type GatewayReply =
  | { readonly ok: true; readonly contentType: string | null; readonly text: string }
  | {
      readonly ok: false;
      readonly reason: 'timeout' | 'provider_down' | 'provider_error';
      readonly status?: number;
    };

/**
 * Posts `body` to `url`, signed. Never follows a redirect (it would carry the body somewhere
 * unsigned-for), never rejects: a network error is `provider_down`, no answer in time `timeout`,
 * any status but 200 `provider_error` with the status. The error of a failed fetch may quote the
 * request: only its kind is kept.
 */
export async function postSigned(gateway: Gateway, url: URL, body: string): Promise<GatewayReply> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('base64url');
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, gateway.timeoutMs);
  const failed = () =>
    ({ ok: false, reason: controller.signal.aborted ? 'timeout' : 'provider_down' }) as const;
  try {
    let response: Response;
    try {
      response = await gateway.fetchImpl(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-App-Id': gateway.appId,
          'X-Timestamp': timestamp,
          'X-Nonce': nonce,
          'X-Signature': signGatewayRequest(gateway.secret, timestamp, nonce, body),
        },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch {
      return failed();
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, reason: 'provider_error', status: response.status };
    }
    try {
      return {
        ok: true,
        contentType: response.headers.get('content-type'),
        text: await response.text(),
      };
    } catch {
      return failed();
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The answer in the text of a 200 answer, failing closed: undefined unless the text is at most
 * `maxChars` long, is JSON, matches `schema` and answers the request `requestId`.
 */
export function readGatewayAnswer<T extends { readonly requestId: string }>(
  text: string,
  maxChars: number,
  schema: z.ZodType<T>,
  requestId: string,
): T | undefined {
  if (text.length > maxChars) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success && parsed.data.requestId === requestId ? parsed.data : undefined;
}
