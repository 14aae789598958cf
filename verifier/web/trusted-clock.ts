/**
 * The verifier's clock when the device clock cannot be trusted (docs/DOMAIN.md §3.3: a changed phone
 * clock made expired passes valid). The issuer's time, seen online, is kept with the device time
 * at which it was seen; the effective clock never goes below the highest trusted time seen, and
 * it follows the issuer's time (not the device's) when the two disagree. Offline, the highest
 * time the clock has shown is kept too: a clock set back below it, even if still above the last
 * trusted time, is doubtful, and the effective clock stays at that highest time, so that the age
 * of kept keys and lists is never taken from a clock that went back. Pure functions: the caller
 * passes every clock reading in.
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
  /**
   * The highest effective time reached since the last exact observation (ms): the effective
   * clock never goes below it, and a device clock below it has been set back.
   */
  readonly highestMs?: number;
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
  // The issuer's time read now replaces whatever the device clock showed before; a lower bound
  // does not.
  const highestMs = exact ? undefined : previous?.highestMs;
  return {
    floorMs,
    ...(skewMs === undefined ? {} : { skewMs }),
    ...(highestMs === undefined ? {} : { highestMs }),
  };
}

/**
 * Keeps `nowMs`, an effective time just used, as the highest reached when it is. Returns
 * `record` itself when nothing changed.
 */
export function noteTimeUsed(record: ClockRecord, nowMs: number): ClockRecord {
  if (!Number.isFinite(nowMs)) throw new RangeError('noteTimeUsed: expected a finite time in ms');
  if (nowMs <= (record.highestMs ?? Number.NEGATIVE_INFINITY)) return record;
  return { ...record, highestMs: nowMs };
}

/**
 * The clock to verify with. In this page's life, the last exact observation plus the monotonic
 * time since; otherwise the device clock corrected by the skew last seen. Never below the
 * highest trusted time, nor below the highest time reached since. `state` compares the device
 * clock with it, beyond `toleranceMs`; a clock that went back below the highest time reached is
 * `behind` whatever the difference.
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
  const highestMs = record.highestMs ?? Number.NEGATIVE_INFINITY;
  const nowMs = Math.max(estimate, record.floorMs, highestMs);
  // Without a session anchor the estimate is the device clock less the skew last seen, so a
  // clock that was wrong when last online still shows as wrong here.
  const differenceMs = reading.deviceMs - nowMs;
  // A Date header is truncated to the second: one second more is allowed on the ahead side.
  const state: ClockState =
    differenceMs < -toleranceMs || estimate < highestMs - toleranceMs
      ? 'behind'
      : differenceMs > toleranceMs + 1000
        ? 'ahead'
        : 'ok';
  return { nowMs: Math.round(nowMs), state, differenceMs };
}
