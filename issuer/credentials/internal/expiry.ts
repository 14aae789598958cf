import type { LicenceRecord } from '../../../shared/licence.js';

const DAY = 86_400;
/** China Standard Time, UTC+8, no daylight saving. */
const CHINA_OFFSET = 8 * 3600;

/**
 * The `exp` signCredential puts in a credential signed at `iat`: `validDays` later, capped at
 * the end of the licence's last valid day in China time. The same rule as
 * issuer/sign-credential.ts, so that the row's `expires_at` (and the key's last expiry) can be
 * known without inflating the payload again; the tests check both agree.
 */
export function credentialExpiry(
  licence: Pick<LicenceRecord, 'validTo'>,
  iat: number,
  validDays: number,
): number {
  const exp = iat + validDays * DAY;
  if (licence.validTo === 'long-term') return exp;
  const lastDay = Date.parse(`${licence.validTo}T00:00:00Z`) / 1000 - CHINA_OFFSET + DAY;
  return Math.min(exp, lastDay);
}
