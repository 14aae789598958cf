import type { IdentityCheck } from './application/identity-check.js';
import type { CalendarWatch } from './calendar/calendar-coverage.js';
import type { WorkingCalendar } from './calendar/working-calendar.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { KeyStore } from './keys/key-store.js';
import type { Logger } from './logger.js';
import type { Notifier } from './notify/notifier.js';
import type { Sms } from './sms/sms.js';
import type { StatusLists } from './status/status-lists.js';

/** What the HTTP layer and the use cases are given; nothing here is a global. */
export interface ServiceDeps {
  readonly config: Config;
  readonly db: Db;
  readonly keys: KeyStore;
  readonly statusLists: StatusLists;
  /** The verifier certificates' status lists (/status/verifiers/{id}). */
  readonly verifierStatusLists: StatusLists;
  readonly logger: Logger;
  /**
   * The real-person check: at binding and recovery, on the stored-photo path, and the reference
   * photo reviewers compare faces with (docs/DOMAIN.md §1.1, §1.4).
   */
  readonly identityCheck: IdentityCheck;
  /** One-time codes to drivers' phones. */
  readonly sms: Sms;
  /** Notices to drivers: the inbox, and Web Push to their browsers. */
  readonly notifier: Notifier;
  /** China's working days: chinese-days and the working calendar file in dataDir. */
  readonly calendar: WorkingCalendar;
  /** Warns in the log while the working calendar is about to run out. */
  readonly calendarWatch: CalendarWatch;
  /** Seconds since the epoch. Injected, so tests can move time. */
  readonly now: () => number;
}
