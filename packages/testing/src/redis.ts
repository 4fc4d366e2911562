import { randomBytes } from 'node:crypto';
import { createRedisClient, type Redis } from '@sentinel/redis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface TestRedis {
  url: string;
  keyPrefix: string;
  client: Redis;
  /** Deletes this test file's keys (and only those) and closes the client. */
  cleanup(): Promise<void>;
}

/** The machine's Redis, with a key prefix of this test file's own (or `keyPrefix`, e.g. a running system's). */
export async function createTestRedis(url = TEST_REDIS_URL, keyPrefix = `test:${randomBytes(6).toString('hex')}:`): Promise<TestRedis> {
  const client = createRedisClient(url, { keyPrefix });
  await client.ping();
  return {
    url,
    keyPrefix,
    client,
    cleanup: async () => {
      const raw = createRedisClient(url);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          if (keys.length > 0) await raw.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        client.disconnect();
      }
    },
  };
}
