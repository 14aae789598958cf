import type { LocalStore } from './local-store.js';
import {
  effectiveTime,
  observeTrustedTime,
  type ClockReading,
  type ClockRecord,
  type EffectiveTime,
  type SessionAnchor,
} from './trusted-clock.js';

/** Reads the device clock and the monotonic clock. */
export type ReadClocks = () => ClockReading;

const readClocks: ReadClocks = () => ({ deviceMs: Date.now(), monoMs: performance.now() });

/**
 * The trusted-time record of this device (see trusted-clock.ts), kept in the local store, and
 * the anchor of this page's life against the monotonic clock.
 */
export class ClockKeeper {
  private record: ClockRecord | undefined;
  private session: SessionAnchor | undefined;

  constructor(
    private readonly store: LocalStore,
    private readonly toleranceMs: number,
    private readonly read: ReadClocks = readClocks,
  ) {}

  /** Restores the record kept by an earlier session. */
  async load(): Promise<void> {
    const kept = await this.store.get<ClockRecord>('clock');
    if (kept !== undefined && Number.isFinite(kept.floorMs)) this.record = kept;
  }

  /**
   * Takes in a time seen from the issuer; `exact` for a response's `Date`, not for a lower bound
   * such as a status list's `iat`. Kept at once.
   */
  async observe(trustedMs: number, exact: boolean): Promise<void> {
    const reading = this.read();
    this.record = observeTrustedTime(this.record, trustedMs, reading.deviceMs, exact);
    if (exact) this.session = { trustedMs, monoMs: reading.monoMs };
    await this.store.set('clock', this.record);
  }

  /** The clock to verify with, and how the device clock compares with it. */
  now(): EffectiveTime {
    return effectiveTime(this.record, this.session, this.read(), this.toleranceMs);
  }
}
