/*
 * The local Redis of this machine and of CI, for the tests of what the nodes share through it.
 */
import { createClient } from '@redis/client';

/** Where the tests find Redis (TEST_REDIS_URL, or the local default). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers at REDIS_URL. */
export async function redisAnswers(): Promise<boolean> {
  const client = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}
