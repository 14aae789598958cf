import type { LocalStore } from './local-store.js';
import {
  effectiveTime,
  noteTimeUsed,
  observeTrustedTime,
  type ClockReading,
  type ClockRecord,
  type EffectiveTime,
  type SessionAnchor,
} from './trusted-clock.js';

/** Reads the device clock and the monotonic clock. */
export type ReadClocks = () => ClockReading;

const readClocks: ReadClocks = () => ({ deviceMs: Date.now(), monoMs: performance.now() });

/** How far the highest time reached moves on before it is written to the store again. */
const KEEP_STEP_MS = 1000;

/**
 * The trusted-time record of this device (see trusted-clock.ts), kept in the local store, and
 * the anchor of this page's life against the monotonic clock.
 */
export class ClockKeeper {
  private record: ClockRecord | undefined;
  private session: SessionAnchor | undefined;
  /** The highest time reached as last written to the store. */
  private keptHighestMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: LocalStore,
    private readonly toleranceMs: number,
    private readonly read: ReadClocks = readClocks,
  ) {}

  /** Restores the record kept by an earlier session. */
  async load(): Promise<void> {
    const kept = await this.store.get<ClockRecord>('clock');
    if (kept === undefined || !Number.isFinite(kept.floorMs)) return;
    const { floorMs, skewMs, highestMs } = kept;
    this.record = {
      floorMs,
      ...(Number.isFinite(skewMs) ? { skewMs } : {}),
      ...(Number.isFinite(highestMs) ? { highestMs } : {}),
    };
    this.keptHighestMs = this.record.highestMs ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * Takes in a time seen from the issuer; `exact` for a response's `Date`, not for a lower bound
   * such as a status list's `iat`. Kept at once.
   */
  async observe(trustedMs: number, exact: boolean): Promise<void> {
    const reading = this.read();
    this.record = observeTrustedTime(this.record, trustedMs, reading.deviceMs, exact);
    if (exact) this.session = { trustedMs, monoMs: reading.monoMs };
    this.keptHighestMs = this.record.highestMs ?? Number.NEGATIVE_INFINITY;
    await this.store.set('clock', this.record);
  }

  /**
   * The clock to verify with, and how the device clock compares with it. The time returned is
   * kept as the highest reached (written to the store once it has moved a second on), so that a
   * later session, its clock set back, neither goes below it nor looks right.
   */
  now(): EffectiveTime {
    const time = effectiveTime(this.record, this.session, this.read(), this.toleranceMs);
    if (this.record !== undefined) {
      this.record = noteTimeUsed(this.record, time.nowMs);
      const highestMs = this.record.highestMs ?? Number.NEGATIVE_INFINITY;
      if (highestMs - this.keptHighestMs >= KEEP_STEP_MS) {
        this.keptHighestMs = highestMs;
        // Not awaited: the verdict does not wait for the store. Should the write fail, the time
        // is still used in this session, and the next reading writes it again.
        this.store.set('clock', this.record).catch(() => {
          this.keptHighestMs = Number.NEGATIVE_INFINITY;
        });
      }
    }
    return time;
  }
}
