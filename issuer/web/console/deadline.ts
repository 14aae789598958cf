/**
 * A review deadline as the console writes it, without a DOM (tested on its own): the time in
 * China, then "provisional" when it was counted past the service's working calendar, then
 * "overdue" when it has passed.
 */
import { chinaDateTime } from '../../../shared/china-time.js';

/** What the queue and the detail answer about a deadline. */
export interface DeadlineFacts {
  /** Seconds since the epoch. */
  readonly deadline: number;
  /** Counted Monday to Friday: that year's holiday arrangement is not published yet. */
  readonly deadlineProvisional: boolean;
  readonly overdue: boolean;
}

/** The deadline in words; `say` gives the words of the marks in the console's language. */
export function deadlineWords(
  facts: DeadlineFacts,
  say: (mark: 'provisional' | 'overdue') => string,
): string {
  const marks = [
    facts.deadlineProvisional ? say('provisional') : undefined,
    facts.overdue ? say('overdue') : undefined,
  ].filter((m): m is string => m !== undefined);
  return [chinaDateTime(facts.deadline * 1000, 'minute'), ...marks].join(' · ');
}
