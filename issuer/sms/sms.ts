import type { GatewaySettings } from '../config.js';
import type { Logger } from '../logger.js';
import { createDevSms } from './sms-dev.js';
import { createHttpSms } from './sms-http.js';

/**
 * The SMS port: one-time codes to a driver's phone, at binding and at recovery
 * (docs/DOMAIN.md §1.1). `sms-http.ts` speaks to the operator's SMS gateway; `sms-dev.ts` keeps
 * the messages in memory for development and tests, and production refuses it (`loadConfig`).
 */

/** One message: which template, to which phone, with which code. The phone is personal data. */
export interface SmsMessage {
  /** Mainland mobile number, 11 digits. Never logged whole. */
  readonly phone: string;
  /** The gateway's template: the code for binding a licence, recovering an account, or a new number. */
  readonly template: 'binding_code' | 'recovery_code' | 'phone_change_code';
  /** The six-digit code. */
  readonly code: string;
  /** Our id of this message, echoed by the gateway; safe to log. */
  readonly requestId: string;
}

/** What became of a message. */
export type SmsResult =
  | { readonly outcome: 'sent' }
  | {
      readonly outcome: 'unavailable';
      readonly reason: 'timeout' | 'provider_down' | 'provider_error';
    };

/** The port. */
export interface Sms {
  /** `http` or `development`, for logs and the health page. */
  readonly name: string;
  /** Sends one message; never rejects for a gateway failure (that is `unavailable`). */
  send(message: SmsMessage): Promise<SmsResult>;
}

/** The adapter `settings` name. */
export function createSms(settings: GatewaySettings, logger: Logger): Sms {
  if (settings.kind === 'development') return createDevSms(logger);
  return createHttpSms({
    endpoint: settings.endpoint,
    appId: settings.appId,
    secret: settings.secret,
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    logger,
  });
}

/** The last four digits of a phone number, the most of it a log line shows. */
export function phoneTail(phone: string): string {
  return `…${phone.slice(-4)}`;
}
