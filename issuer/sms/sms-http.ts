import { z } from 'zod';
import { gatewayUrl, postSigned, readGatewayAnswer, type Gateway } from '../gateway-request.js';
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

const MAX_ANSWER_CHARS = 16 * 1024;
const answerSchema = z.object({ requestId: z.string(), result: z.literal('SENT') });

/**
 * Creates the HTTP adapter.
 * @throws {TypeError} when the endpoint is not https:// (http:// only on loopback with
 *   `allowInsecure`) or carries credentials.
 */
export function createHttpSms(options: HttpSmsOptions): Sms {
  const url = gatewayUrl(options.endpoint, options.allowInsecure);
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
      const answer = readGatewayAnswer(
        reply.text,
        MAX_ANSWER_CHARS,
        answerSchema,
        message.requestId,
      );
      if (answer === undefined) return fail('provider_error');
      return { outcome: 'sent' };
    },
  };
}
