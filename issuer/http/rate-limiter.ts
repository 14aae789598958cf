import { ServiceError } from '../service-error.js';

/** A verdict on one attempt. */
export type RateVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; /** Seconds until the window ends. */ readonly retryAfter: number };

/** Counts attempts per key (a client address). */
export interface RateLimiter {
  /** Records an attempt by `key` at `now` (seconds) and says whether it may go ahead. */
  take(key: string, now: number): Promise<RateVerdict>;
}

/**
 * Records an attempt by `key` at `now` (seconds) in `limiter`.
 * @throws {ServiceError} 429 ERR_RATE_LIMITED with `retryAfter` (seconds) when it is one too
 *   many; its message is `refusal`, then when to try again.
 */
export async function takeOrRefuse(
  limiter: RateLimiter,
  key: string,
  now: number,
  refusal: string,
): Promise<void> {
  const verdict = await limiter.take(key, now);
  if (!verdict.allowed)
    throw new ServiceError(
      429,
      'ERR_RATE_LIMITED',
      `${refusal}; try again in ${verdict.retryAfter} seconds`,
      { retryAfter: verdict.retryAfter },
    );
}

/** How many attempts per window, and how many keys are remembered at most. */
export interface RateLimitOptions {
  readonly limit: number;
  readonly windowSeconds: number;
  readonly maxKeys: number;
}

/**
 * A fixed-window limiter kept in memory: each key's window starts at its first attempt and
 * allows `limit` attempts. Memory is bounded: beyond `maxKeys`, the oldest windows are dropped
 * (expired ones first, as they are the oldest). Its state belongs to the one app that made it,
 * never to the module.
 * @throws {RangeError} when an option is not a positive integer.
 */
export function fixedWindowLimiter(options: RateLimitOptions): RateLimiter {
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isSafeInteger(value) || (value as number) < 1)
      throw new RangeError(`${name}: expected a positive integer, found ${String(value)}`);
  }
  const { limit, windowSeconds, maxKeys } = options;
  // Insertion order is the order of window starts: a new window re-inserts its key at the end.
  const windows = new Map<string, { start: number; count: number }>();

  /** Drops the oldest windows (expired ones are the oldest) until `maxKeys` remain. */
  function evict(): void {
    for (const key of windows.keys()) {
      if (windows.size <= maxKeys) return;
      windows.delete(key);
    }
  }

  function verdict(key: string, now: number): RateVerdict {
    const window = windows.get(key);
    if (window === undefined || now >= window.start + windowSeconds) {
      windows.delete(key);
      windows.set(key, { start: now, count: 1 });
      if (windows.size > maxKeys) evict();
      return { allowed: true };
    }
    window.count += 1;
    if (window.count <= limit) return { allowed: true };
    return { allowed: false, retryAfter: Math.max(1, window.start + windowSeconds - now) };
  }

  return { take: (key, now) => Promise.resolve(verdict(key, now)) };
}

/**
 * Where an app's limiters keep their counts: in this node's memory, or shared by every node
 * (Redis). One per running service; closed when it stops.
 */
export interface RateLimits {
  /** A limiter named `name` (its counts apart from every other name's). */
  limiter(name: string, options: RateLimitOptions): RateLimiter;
  close(): Promise<void>;
}

/** Counts in this node's memory: N nodes allow N times each limit. */
export function memoryRateLimits(): RateLimits {
  return {
    limiter: (_name, options) => fixedWindowLimiter(options),
    close: () => Promise.resolve(),
  };
}
