import type { Logger } from '../logger.js';
import { phoneTail, type Sms, type SmsMessage, type SmsResult } from './sms.js';

/**
 * The development SMS adapter: sends nothing. Each message is kept in memory (the tests read the
 * code from it) and logged with the phone's last four digits and the code, so that a developer
 * running the service can enter it. Production refuses it (`loadConfig`).
 */
export interface DevSms extends Sms {
  /** Every message sent, oldest first. */
  readonly sent: readonly SmsMessage[];
  /** The code last sent to `phone`, if any. */
  lastCode(phone: string): string | undefined;
  /** Makes the next `count` sends answer `unavailable`, as a gateway that is down would. */
  failNext(count?: number): void;
}

/** Creates the development adapter; its `name` is `development`. */
export function createDevSms(logger: Logger): DevSms {
  const sent: SmsMessage[] = [];
  let failures = 0;
  return {
    name: 'development',
    sent,
    lastCode(phone) {
      return [...sent].reverse().find((m) => m.phone === phone)?.code;
    },
    failNext(count = 1) {
      failures = count;
    },
    send(message): Promise<SmsResult> {
      if (failures > 0) {
        failures -= 1;
        return Promise.resolve({ outcome: 'unavailable', reason: 'provider_down' });
      }
      sent.push(message);
      logger.info(
        { phone: phoneTail(message.phone), template: message.template, code: message.code },
        'development SMS (not sent)',
      );
      return Promise.resolve({ outcome: 'sent' });
    },
  };
}
