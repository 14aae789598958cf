/**
 * The difference between the phone's clock and the service's that the driver's app goes by
 * (issuer/web/app/phone-clock.ts): none for a clock that is right, the difference for one that
 * is off, the `Date` header's whole seconds counted from their middle.
 */
import { describe, expect, it } from 'vitest';
import { CLOCK_IGNORED_MS, clockOffset } from '../../../issuer/web/app/phone-clock.js';

const SERVICE = Date.UTC(2026, 11, 7, 2, 0, 0);

describe("the phone clock's difference from the service's", () => {
  it.each([
    { how: 'right', off: 0, offset: 0 },
    { how: 'half a second behind', off: -500, offset: 0 },
    { how: 'a second and a half ahead', off: 1500, offset: 0 },
    { how: '3 s ahead', off: 3000, offset: -2500 },
    { how: '5 minutes behind', off: -300_000, offset: 300_500 },
    { how: '2 minutes ahead', off: 120_000, offset: -119_500 },
  ])('when the phone clock is $how, then the app adds $offset ms to it', ({ off, offset }) => {
    // The answer came as the service's second SERVICE began, to a phone `off` ms out.
    expect(clockOffset(SERVICE, SERVICE + off)).toBe(offset);
  });

  it('when the difference is within the rounding and delay of a Date header, then it is taken as none', () => {
    expect(clockOffset(SERVICE, SERVICE + 500 + CLOCK_IGNORED_MS - 1)).toBe(0);
    expect(clockOffset(SERVICE, SERVICE + 500 + CLOCK_IGNORED_MS)).toBe(-CLOCK_IGNORED_MS);
  });
});
