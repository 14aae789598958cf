/**
 * Rate limits shared by every node through Redis (REDIS_URL): two services counting sign-in
 * attempts together, windows on the service clock, clients stored only as hashes, and the
 * fallback to each node's own count when Redis does not answer. In CI a missing Redis fails the
 * run; elsewhere these tests are left out with a warning.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_ATTEMPTS_PER_MINUTE } from '../../issuer/config.js';
import { redisRateLimits } from '../../issuer/http/redis-rate-limits.js';
import { createLogger } from '../../issuer/logger.js';
import { failingSignIn } from '../helpers/failing-sign-in.js';
import { startService, type TestService } from './harness.js';
import { REDIS_URL, redisAnswers } from './redis.js';

const available = await redisAnswers();
if (!available && process.env.CI === 'true')
  throw new Error(`Redis does not answer at ${REDIS_URL}: CI needs it`);
if (!available)
  console.warn(`Redis does not answer at ${REDIS_URL}: shared rate limits not tested`);

/** A failed sign-in (no such staff account): counted by the limiter before anything else. */
async function signInStatus(service: TestService): Promise<number> {
  const reply = await service.client().post('/api/session', failingSignIn());
  return reply.status;
}

describe.skipIf(!available)('rate limits shared through Redis', () => {
  const prefix = `lz-test-${randomBytes(6).toString('hex')}:`;
  const redis = createClient({ url: REDIS_URL });
  let nodes: TestService[] = [];

  beforeAll(async () => {
    await redis.connect();
    const now = 1_800_000_000; // a multiple of 60: a window starts here
    nodes = await Promise.all(
      [1, 2].map(() =>
        startService('sqlite', { now, env: { REDIS_URL, REDIS_KEY_PREFIX: prefix } }),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
    redis.destroy();
  });

  it('when sign-ins alternate between two nodes, then the limit holds for both together, and lifts with the next window', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_MINUTE + 2; i++) {
      const node = nodes[i % 2];
      if (node === undefined) throw new Error('two nodes expected');
      statuses.push(await signInStatus(node));
    }
    expect(statuses).toEqual([...Array<number>(SIGN_IN_ATTEMPTS_PER_MINUTE).fill(401), 429, 429]);
    for (const node of nodes) node.advance(60);
    expect(await signInStatus(nodes[1] as TestService)).toBe(401);
  });

  it('when the counts are in Redis, then a client is a hash there, never its address', async () => {
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys)
      expect(key).toMatch(/^lz-test-[0-9a-f]{12}:rate:sign-in:\d+:[\w-]{22}$/);
  });

  it('when Redis does not answer within 250 ms, then the node counts on its own', async () => {
    const limits = await redisRateLimits(REDIS_URL, prefix, createLogger('silent'));
    try {
      const limiter = limits.limiter('paused', { limit: 1, windowSeconds: 60, maxKeys: 10 });
      expect(await limiter.take('device-1', 1_800_000_000)).toEqual({ allowed: true });
      // Every client but the pauser's waits: the limiter gives up and counts in memory, where
      // this is the first attempt of device-2 and the second of device-1.
      await redis.sendCommand(['CLIENT', 'PAUSE', '1500', 'WRITE']);
      expect(await limiter.take('device-2', 1_800_000_010)).toEqual({ allowed: true });
      expect(await limiter.take('device-2', 1_800_000_011)).toEqual({
        allowed: false,
        retryAfter: 59,
      });
    } finally {
      await redis.sendCommand(['CLIENT', 'UNPAUSE']);
      await limits.close();
    }
  });

  it('when no Redis answers at REDIS_URL, then the service does not start, and says why', async () => {
    await expect(
      startService('sqlite', {
        env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: prefix },
      }),
    ).rejects.toThrow('rate limits: expected Redis at REDIS_URL, found none answering');
  });
});
