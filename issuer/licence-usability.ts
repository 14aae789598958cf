import { chinaDate } from '../shared/china-time.js';
import type { LicenceRecord } from '../shared/licence.js';
import { unusableOn, type Unusable } from '../shared/usability.js';

export type { UnusableReason } from '../shared/usability.js';

/**
 * The usability rule (shared/usability.ts) at an instant: on its calendar day in China. The
 * issuer's callers turn the reason into their answer: 409 ERR_LICENCE_NOT_USABLE with `reason`,
 * or no credential.
 */
export function unusable(licence: LicenceRecord, now: Date): Unusable | undefined {
  return unusableOn(licence, chinaDate(now));
}
