/*
 * The time the app goes by: the service's. A code carries the time it was made, and a verifier
 * takes it only within seconds of its own clock (FORMAT.md §6), so a phone whose clock is off (set
 * by hand, no network time) would make codes every checker refuses as expired, or as made in the
 * future. The app learns the service's time from each answer (its `Date` header), keeps how far
 * the phone's clock is from it, and makes codes, and judges dates, by the phone's clock set right:
 * offline too, by the difference last seen.
 */
import { keep, load } from './store.js';

/** A difference smaller than this is the `Date` header's rounding and the network's delay. */
export const CLOCK_IGNORED_MS = 2000;

let offsetMs = 0;

/** Now by the service's clock (ms): the phone's, set right by the difference last seen. */
export function serviceNow(): number {
  return Date.now() + offsetMs;
}

/** Takes up the difference kept by an earlier visit. */
export async function loadClockOffset(): Promise<void> {
  const kept = await load('clockOffset').catch(() => undefined);
  if (kept !== undefined && Number.isFinite(kept.offsetMs)) offsetMs = kept.offsetMs;
}

/**
 * Takes in the service's time from an answer (its `Date`, in whole seconds, cut down: the service
 * was up to a second further on) and the phone's time when it came; keeps the difference when it
 * has moved by a second or more.
 */
export function noteServiceTime(serviceMs: number, deviceMs: number): void {
  const next = clockOffset(serviceMs, deviceMs);
  if (Math.abs(next - offsetMs) < 1000) return;
  offsetMs = next;
  // Not waited for: should the write fail, the difference is still used until the page closes.
  keep('clockOffset', { offsetMs }).catch(() => undefined);
}

/** The difference to go by: none when the phone's clock is within CLOCK_IGNORED_MS. */
export function clockOffset(serviceMs: number, deviceMs: number): number {
  const seen = serviceMs + 500 - deviceMs;
  return Math.abs(seen) < CLOCK_IGNORED_MS ? 0 : Math.round(seen);
}
