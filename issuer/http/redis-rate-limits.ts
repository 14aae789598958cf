import { createHash } from 'node:crypto';
import { createClient } from '@redis/client';
import type { Logger } from '../logger.js';
import {
  fixedWindowLimiter,
  type RateLimiter,
  type RateLimitOptions,
  type RateLimits,
  type RateVerdict,
} from './rate-limiter.js';

/** Longest wait for Redis before a node counts on its own: a sign-in must not hang on it. */
const REDIS_TIMEOUT_MS = 250;
/** At most one warning this often while Redis fails. */
const WARN_EVERY_MS = 30_000;

/**
 * Counts shared by every node through Redis, so that a limit holds for the whole service and
 * not per node. Fixed windows aligned on the clock (`windowSeconds` long, from a multiple of
 * it): one INCR and one EXPIRE per attempt, a key per name, window and client, gone a second
 * after its window. The client (an address, a device id) is stored only as a hash.
 *
 * When Redis does not answer within 250 ms, or is being reconnected to, the attempt is counted
 * in this node's memory instead (a warning is logged, at most every 30 s): a sign-in neither
 * waits for Redis nor passes unlimited, and the lockout per account (in the database) holds
 * either way.
 *
 * @throws {Error} when Redis cannot be reached at start (the service does not start).
 */
export async function redisRateLimits(
  url: string,
  keyPrefix: string,
  logger: Logger,
): Promise<RateLimits> {
  let started = false;
  const client = createClient({
    url,
    // While reconnecting, a command fails at once (and is counted in memory) instead of waiting.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      // Once running, reconnect for ever; at start, one try: the service does not start.
      reconnectStrategy: (retries, cause) =>
        started ? Math.min(100 * 2 ** retries, 5_000) : cause,
    },
  });
  let warned = 0;
  const warn = (error: unknown) => {
    // Before the service has started, the start fails instead (below).
    if (!started || Date.now() - warned < WARN_EVERY_MS) return;
    warned = Date.now();
    logger.warn({ err: error }, 'rate limits: Redis not answering, counting on this node');
  };
  client.on('error', warn);
  try {
    await client.connect();
    started = true;
  } catch (cause) {
    client.destroy();
    throw new Error('rate limits: expected Redis at REDIS_URL, found none answering', { cause });
  }

  return {
    limiter(name: string, options: RateLimitOptions): RateLimiter {
      const fallback = fixedWindowLimiter(options);
      const { limit, windowSeconds } = options;
      return {
        async take(key: string, now: number): Promise<RateVerdict> {
          const window = Math.floor(now / windowSeconds);
          const hashed = createHash('sha256').update(key).digest('base64url').slice(0, 22);
          const redisKey = `${keyPrefix}rate:${name}:${window}:${hashed}`;
          let count: number;
          try {
            count = await withTimeout(
              client
                .multi()
                .incr(redisKey)
                .expire(redisKey, windowSeconds + 1)
                .exec()
                .then(([incremented]) => Number(incremented)),
            );
          } catch (error) {
            warn(error);
            return fallback.take(key, now);
          }
          if (count <= limit) return { allowed: true };
          return { allowed: false, retryAfter: Math.max(1, (window + 1) * windowSeconds - now) };
        },
      };
    },
    async close() {
      await client.close().catch(() => {
        client.destroy();
      });
    },
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`));
    }, REDIS_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
