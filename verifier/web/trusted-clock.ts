/**
 * The verifier's clock when the device clock cannot be trusted (docs/DOMAIN.md §3.3: a changed
 * phone clock made expired passes valid). The issuer's time, seen online, is kept with the device
 * time at which it was seen; the effective clock never goes below the highest trusted time seen,
 * and it follows the issuer's time (not the device's) when the two disagree. Pure functions: the
 * caller passes every clock reading in.
 */

/** What is kept across sessions (IndexedDB). */
export interface ClockRecord {
  /** The highest trusted time seen (ms since the epoch): the effective clock never goes below. */
  readonly floorMs: number;
  /**
   * Device clock minus the issuer's clock at the last exact observation (ms); undefined when
   * only lower bounds (a status list's `iat`) have been seen.
   */
  readonly skewMs?: number;
}

/** An exact observation made in this page's life, against the monotonic clock. */
export interface SessionAnchor {
  readonly trustedMs: number;
  /** `performance.now()` when it was seen: unaffected by changes to the device clock. */
  readonly monoMs: number;
}

/** One reading of every clock the verifier has. */
export interface ClockReading {
  /** `Date.now()`. */
  readonly deviceMs: number;
  /** `performance.now()`. */
  readonly monoMs: number;
}

/** How the device clock compares with the trusted time. */
export type ClockState = 'ok' | 'behind' | 'ahead' | 'unknown';

/** The clock to verify with, and whether the device clock can be believed. */
export interface EffectiveTime {
  readonly nowMs: number;
  readonly state: ClockState;
  /** Device clock minus the effective clock, in ms. */
  readonly differenceMs: number;
}

/**
 * Adds an observation of the issuer's time. `exact` for a time read at that moment (the HTTP
 * `Date` of a response from the issuer, truncated to the second); not exact for a lower bound
 * only (a status list's `iat`, signed but possibly hours old).
 */
export function observeTrustedTime(
  previous: ClockRecord | undefined,
  trustedMs: number,
  deviceMs: number,
  exact: boolean,
): ClockRecord {
  if (!Number.isFinite(trustedMs) || !Number.isFinite(deviceMs))
    throw new RangeError('observeTrustedTime: expected finite times in ms');
  const floorMs = Math.max(previous?.floorMs ?? 0, trustedMs);
  const skewMs = exact ? deviceMs - trustedMs : previous?.skewMs;
  return skewMs === undefined ? { floorMs } : { floorMs, skewMs };
}

/**
 * The clock to verify with. In this page's life, the last exact observation plus the monotonic
 * time since; otherwise the device clock corrected by the skew last seen. Never below the
 * highest trusted time. `state` compares the device clock with it, beyond `toleranceMs`.
 */
export function effectiveTime(
  record: ClockRecord | undefined,
  session: SessionAnchor | undefined,
  reading: ClockReading,
  toleranceMs: number,
): EffectiveTime {
  if (record === undefined) return { nowMs: reading.deviceMs, state: 'unknown', differenceMs: 0 };
  const estimate =
    session !== undefined
      ? session.trustedMs + (reading.monoMs - session.monoMs)
      : reading.deviceMs - (record.skewMs ?? 0);
  const nowMs = Math.max(estimate, record.floorMs);
  // Without a session anchor the estimate is the device clock less the skew last seen, so a
  // clock that was wrong when last online still shows as wrong here.
  const differenceMs = reading.deviceMs - nowMs;
  // A Date header is truncated to the second: one second more is allowed on the ahead side.
  const state: ClockState =
    differenceMs < -toleranceMs ? 'behind' : differenceMs > toleranceMs + 1000 ? 'ahead' : 'ok';
  return { nowMs: Math.round(nowMs), state, differenceMs };
}
