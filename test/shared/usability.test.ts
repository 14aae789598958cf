/**
 * The one usability rule (shared/usability.ts): every status letter, the points limit and the
 * dates give one reason, in the issuer's order (dates, status, points).
 */
import { describe, expect, it } from 'vitest';
import {
  LICENCE_STATUS,
  POINTS_LIMIT,
  type LicenceStatusCode,
} from '../../shared/licence/codes.js';
import { statusRefusal, unusableOn } from '../../shared/usability.js';
import { referenceLicence } from '../helpers/presentation-kit.js';

const REASONS: Readonly<Record<LicenceStatusCode, string | undefined>> = {
  A: undefined,
  B: 'points-exceeded',
  C: 'not-normal',
  D: 'suspended',
  E: 'revoked',
  F: 'revoked',
  G: 'cancelled',
  H: 'not-normal',
  I: 'not-normal',
  J: 'not-normal',
  K: 'not-normal',
  L: 'not-normal',
  M: 'renewal-overdue',
  N: 'not-normal',
  P: 'not-normal',
  R: 'cancelled',
  S: 'not-normal',
  T: 'not-normal',
  U: 'suspended',
  Z: 'not-normal',
};

describe('the usability rule', () => {
  const licence = { ...referenceLicence(0), validFrom: '2020-01-01', validTo: '2030-01-01' };

  it.each(Object.keys(LICENCE_STATUS) as LicenceStatusCode[])(
    'when the status is %s, then its reason is the table’s',
    (status) => {
      expect(statusRefusal({ status, points: 0 })?.reason).toBe(REASONS[status]);
    },
  );

  it('when the points reach the limit on status A, then points-exceeded, and one below is usable', () => {
    expect(statusRefusal({ status: 'A', points: POINTS_LIMIT })).toEqual({
      reason: 'points-exceeded',
      message: `licence points: expected below ${POINTS_LIMIT}, found ${POINTS_LIMIT}`,
    });
    expect(statusRefusal({ status: 'A', points: POINTS_LIMIT - 1 })).toBeUndefined();
  });

  it('when the dates and the status both refuse, then the dates are said first', () => {
    expect(unusableOn({ ...licence, status: 'D' }, '2030-01-02')?.reason).toBe('expired');
    expect(unusableOn({ ...licence, status: 'D' }, '2019-12-31')?.reason).toBe('not-yet-valid');
    expect(unusableOn({ ...licence, status: 'D' }, '2025-06-01')?.reason).toBe('suspended');
    expect(unusableOn({ ...licence, status: 'A', points: 0 }, '2030-01-01')).toBeUndefined();
  });
});
