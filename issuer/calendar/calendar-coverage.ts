import { chinaDate } from '../../shared/china-time.js';
import type { Logger } from '../logger.js';
import { daysBetween, parseIsoDate } from './calendar-date.js';
import type { WorkingCalendar } from './working-calendar.js';

/**
 * Days before the calendar runs out from which the service warns. The State Council publishes
 * the next year's arrangement usually in November; 60 days before 31 December is 1 November.
 */
const CALENDAR_WARN_DAYS = 60;

/** How far the working calendar reaches, as /healthz shows it. */
export interface CalendarCoverage {
  /** The last day (`YYYY-MM-DD`) whose working days are known. */
  readonly coversUntil: string;
  /** Days from today (China time) to that day: 0 on the day itself, negative after it. */
  readonly daysLeft: number;
  /** At most {@link CALENDAR_WARN_DAYS} days left: the next year's arrangement should be loaded. */
  readonly warning: boolean;
}

/** The calendar's reach at `now` (seconds since the epoch). */
export function calendarCoverage(calendar: WorkingCalendar, now: number): CalendarCoverage {
  const today = parseIsoDate(chinaDate(new Date(now * 1000)));
  const daysLeft = daysBetween(today, parseIsoDate(calendar.coversUntil));
  return { coversUntil: calendar.coversUntil, daysLeft, warning: daysLeft <= CALENDAR_WARN_DAYS };
}

/** Warns in the log, at most once a day, while the calendar is about to run out or has. */
export interface CalendarWatch {
  /**
   * Logs the warning if {@link CalendarCoverage.warning} holds at `now` and it has not been
   * logged on the same day (China time) yet. Called at start, every hour while running and
   * on each deadline computed.
   */
  check(now: number): void;
}

/** A watch over `calendar` that warns through `logger`. */
export function calendarWatch(
  calendar: WorkingCalendar,
  logger: Pick<Logger, 'warn'>,
): CalendarWatch {
  let warnedOn: string | undefined;
  return {
    check(now) {
      const coverage = calendarCoverage(calendar, now);
      const today = chinaDate(new Date(now * 1000));
      if (!coverage.warning || warnedOn === today) return;
      warnedOn = today;
      logger.warn(
        { calendar: coverage },
        coverage.daysLeft >= 0
          ? `working calendar covers until ${coverage.coversUntil} (${coverage.daysLeft} days left): load the next year's holiday arrangement into the working calendar file (OPERATIONS.md)`
          : `working calendar ended on ${coverage.coversUntil}: review deadlines are provisional (Monday to Friday) until the holiday arrangement is loaded into the working calendar file (OPERATIONS.md)`,
      );
    },
  };
}
