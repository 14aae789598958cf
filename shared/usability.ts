/**
 * May this licence be used: the one rule, for the issuer (whether to sign, what to tell the
 * driver), the verifier (the licence_status check) and the driver's app (the alert on the card).
 * Each maps the reason to its own answer: a problem and a status list value, a verdict code,
 * words. Only status A (正常) below the points limit, on a day within the licence's dates, is
 * usable (docs/DOMAIN.md §2.5).
 */
import { chinaDate } from './china-time.js';
import {
  isValidForDriving,
  LICENCE_STATUS,
  POINTS_LIMIT,
  type LicenceStatusCode,
} from './licence/codes.js';
import { type LicenceRecord } from './licence/record.js';
import { licenceValidityOn } from './licence/validity.js';

/** Why a licence may not be used; a stable word every side maps to its own answer. */
export type UnusableReason =
  | 'expired'
  | 'not-yet-valid'
  | 'suspended'
  | 'revoked'
  | 'cancelled'
  | 'points-exceeded'
  | 'renewal-overdue'
  | 'not-normal';

/** The reason each status letter other than A gives; a letter not listed is `not-normal`. */
export const REASON_OF_STATUS: Readonly<Partial<Record<LicenceStatusCode, UnusableReason>>> = {
  B: 'points-exceeded',
  D: 'suspended',
  U: 'suspended',
  E: 'revoked',
  F: 'revoked',
  G: 'cancelled',
  R: 'cancelled',
  M: 'renewal-overdue',
};

/** A refusal: the reason, and a message in English without personal data. */
export interface Unusable {
  readonly reason: UnusableReason;
  readonly message: string;
}

/** The status part of the rule: status A, then points below the limit. */
export function statusRefusal(
  licence: Pick<LicenceRecord, 'status' | 'points'>,
): Unusable | undefined {
  if (!isValidForDriving(licence.status))
    return {
      reason: REASON_OF_STATUS[licence.status] ?? 'not-normal',
      message: `licence status: expected A (normal), found ${licence.status} (${LICENCE_STATUS[licence.status].en})`,
    };
  if (licence.points >= POINTS_LIMIT)
    return {
      reason: 'points-exceeded',
      message: `licence points: expected below ${POINTS_LIMIT}, found ${licence.points}`,
    };
  return undefined;
}

/** The dates part of the rule, on a calendar day in China (YYYY-MM-DD). */
export function validityRefusal(
  licence: Pick<LicenceRecord, 'validFrom' | 'validTo'>,
  today: string,
): Unusable | undefined {
  const validity = licenceValidityOn(licence, today);
  if (validity === 'expired')
    return { reason: 'expired', message: `licence expired (valid to ${licence.validTo})` };
  if (validity === 'not-yet-valid')
    return {
      reason: 'not-yet-valid',
      message: `licence not yet valid (valid from ${licence.validFrom})`,
    };
  return undefined;
}

/** The whole rule on `today` (China): the dates first, then the status and points. */
export function unusableOn(
  licence: Pick<LicenceRecord, 'status' | 'points' | 'validFrom' | 'validTo'>,
  today: string,
): Unusable | undefined {
  return validityRefusal(licence, today) ?? statusRefusal(licence);
}

/** The whole rule at an instant: on its calendar day in China. */
export function unusableAt(
  licence: Pick<LicenceRecord, 'status' | 'points' | 'validFrom' | 'validTo'>,
  now: Date,
): Unusable | undefined {
  return unusableOn(licence, chinaDate(now));
}
