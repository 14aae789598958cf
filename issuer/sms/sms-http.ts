import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { signGatewayRequest } from '../gateway-signature.js';
import type { Sms, SmsResult } from './sms.js';

/**
 * The SMS gateway over HTTP: one signed JSON POST per message (`{requestId, phone, template,
 * params: {code}}`), answered `200 {requestId, result: "SENT"}`. One attempt only: a retry after
 * a timeout could send the driver two codes, and the driver can ask again. The signing scheme is
 * the one of the real-person check (gateway-signature.ts), to be confirmed with the operator's
 * gateway (docs/OPERATIONS.md §SMS).
 */
export interface HttpSmsOptions {
  readonly endpoint: string;
  readonly appId: string;
  readonly secret: string;
  /** Default 5000. */
  readonly timeoutMs?: number;
  /** Accept http:// for a loopback host (tests with a local fake gateway). */
  readonly allowInsecure?: boolean;
  readonly fetchImpl?: typeof fetch;
  readonly logger?: { warn(details: Readonly<Record<string, unknown>>, message: string): void };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_ANSWER_CHARS = 16 * 1024;
const answerSchema = z.object({ requestId: z.string(), result: z.literal('SENT') });

/**
 * Creates the HTTP adapter.
 * @throws {TypeError} when the endpoint is not https:// (http:// only on loopback with
 *   `allowInsecure`) or carries credentials.
 */
export function createHttpSms(options: HttpSmsOptions): Sms {
  const url = new URL(options.endpoint);
  const insecure = options.allowInsecure === true && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && insecure))
    throw new TypeError(`endpoint: expected an https:// URL, found ${url.protocol}//`);
  if (url.username !== '' || url.password !== '')
    throw new TypeError('endpoint: expected no credentials in the URL');
  const timeoutMs = options.timeoutMs ?? 5000;
  const fetchImpl = options.fetchImpl ?? fetch;
  const { appId, secret, logger } = options;

  return {
    name: 'http',
    async send(message): Promise<SmsResult> {
      const body = JSON.stringify({
        requestId: message.requestId,
        phone: message.phone,
        template: message.template,
        params: { code: message.code },
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(16).toString('base64url');
      const fail = (reason: 'timeout' | 'provider_down' | 'provider_error', status?: number) => {
        logger?.warn(
          { requestId: message.requestId, reason, ...(status === undefined ? {} : { status }) },
          'SMS not sent',
        );
        return { outcome: 'unavailable', reason } as const;
      };
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'X-App-Id': appId,
            'X-Timestamp': timestamp,
            'X-Nonce': nonce,
            'X-Signature': signGatewayRequest(secret, timestamp, nonce, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        return fail(
          error instanceof DOMException && error.name === 'TimeoutError'
            ? 'timeout'
            : 'provider_down',
        );
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        return fail('provider_error', response.status);
      }
      const text = await response.text().catch(() => undefined);
      if (text === undefined || text.length > MAX_ANSWER_CHARS) return fail('provider_error');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return fail('provider_error');
      }
      const answer = answerSchema.safeParse(json);
      if (!answer.success || answer.data.requestId !== message.requestId)
        return fail('provider_error');
      return { outcome: 'sent' };
    },
  };
}
