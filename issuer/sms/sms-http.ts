import { z } from 'zod';
import { postSigned, type Gateway } from '../gateway-request.js';
import type { Sms, SmsResult } from './sms.js';

/**
 * The SMS gateway over HTTP: one signed JSON POST per message (`{requestId, phone, template,
 * params: {code}}`), answered `200 {requestId, result: "SENT"}`. One attempt only: a retry after
 * a timeout could send the driver two codes, and the driver can ask again. The signing scheme is
 * the one of the real-person check (gateway-request.ts), to be confirmed with the operator's
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
  const { appId, secret, logger } = options;
  const gateway: Gateway = {
    appId,
    secret,
    timeoutMs: options.timeoutMs ?? 5000,
    fetchImpl: options.fetchImpl ?? fetch,
  };

  return {
    name: 'http',
    async send(message): Promise<SmsResult> {
      const body = JSON.stringify({
        requestId: message.requestId,
        phone: message.phone,
        template: message.template,
        params: { code: message.code },
      });
      const fail = (reason: 'timeout' | 'provider_down' | 'provider_error', status?: number) => {
        logger?.warn(
          { requestId: message.requestId, reason, ...(status === undefined ? {} : { status }) },
          'SMS not sent',
        );
        return { outcome: 'unavailable', reason } as const;
      };
      const reply = await postSigned(gateway, url, body);
      if (!reply.ok) return fail(reply.reason, reply.status);
      const text = reply.text;
      if (text.length > MAX_ANSWER_CHARS) return fail('provider_error');
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
