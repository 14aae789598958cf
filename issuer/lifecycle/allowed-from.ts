/**
 * From which GA/T 16.25 statuses each lifecycle action may start (docs/DOMAIN.md §2.3): the
 * first column of the transition table (transitions.ts), apart so that the console, which offers
 * only the actions a licence's status allows, reads the same table without the service's code.
 */
import { LICENCE_STATUS_CODES, type LicenceStatusCode } from '../../shared/licence/codes.js';

const ALL_BUT = (...excluded: LicenceStatusCode[]): readonly LicenceStatusCode[] =>
  LICENCE_STATUS_CODES.filter((s) => !excluded.includes(s));

/**
 * The statuses each action is allowed from. Restore from B also needs the points below the
 * limit (transitions.ts `unless`).
 */
export const ALLOWED_FROM = {
  suspend: ['A', 'B', 'M'],
  revoke: ['A', 'B', 'D', 'M'],
  cancel: ALL_BUT('F', 'G'),
  restore: ['D', 'B'],
  points: ALL_BUT('F', 'G'),
  renew: ['A', 'M'],
  replace: ['A'],
} as const satisfies Readonly<Record<string, readonly LicenceStatusCode[]>>;
