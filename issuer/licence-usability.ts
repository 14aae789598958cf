import { chinaDate } from '../shared/china-time.js';
import {
  isValidForDriving,
  LICENCE_STATUS,
  licenceValidityOn,
  type LicenceRecord,
} from '../shared/licence.js';

/** Why a licence cannot have an e-licence now; a stable word a client can act on. */
export type UnusableReason =
  | 'expired'
  | 'not-yet-valid'
  | 'suspended'
  | 'revoked'
  | 'cancelled'
  | 'points-exceeded'
  | 'renewal-overdue'
  | 'not-normal';

/** The GA/T 16.25 status letters by the reason a client is told (anything else: not-normal). */
const REASON_OF_STATUS: Readonly<Partial<Record<string, UnusableReason>>> = {
  B: 'points-exceeded',
  D: 'suspended',
  U: 'suspended',
  E: 'revoked',
  F: 'revoked',
  G: 'cancelled',
  R: 'cancelled',
  M: 'renewal-overdue',
};

/**
 * The checks signCredential makes, in its order (validity on the day in China, status A,
 * points below 12), as a reason and a message without personal data; undefined when the
 * licence is usable at `now`.
 */
export function unusable(
  licence: LicenceRecord,
  now: Date,
): { reason: UnusableReason; message: string } | undefined {
  const today = chinaDate(now);
  const validity = licenceValidityOn(licence, today);
  if (validity === 'expired')
    return { reason: 'expired', message: `licence expired (valid to ${licence.validTo})` };
  if (validity === 'not-yet-valid')
    return {
      reason: 'not-yet-valid',
      message: `licence not yet valid (valid from ${licence.validFrom})`,
    };
  if (!isValidForDriving(licence.status))
    return {
      reason: REASON_OF_STATUS[licence.status] ?? 'not-normal',
      message: `licence status: expected A (normal), found ${licence.status} (${LICENCE_STATUS[licence.status].en})`,
    };
  if (licence.points >= 12)
    return {
      reason: 'points-exceeded',
      message: `licence points: expected below 12, found ${licence.points}`,
    };
  return undefined;
}
