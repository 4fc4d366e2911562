import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

export interface RedisClientOptions {
  /** Prepended to every key this client touches (not to pub/sub channels). */
  keyPrefix?: string;
  /** A command that gets no answer within this time fails (default 1000 ms). */
  commandTimeoutMs?: number;
}

/**
 * A Redis client that never hangs a request: commands fail after a bounded time while Redis is
 * down, and the client keeps reconnecting in the background so that it recovers by itself.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const client = new Redis(url, {
    keyPrefix: options.keyPrefix ?? '',
    commandTimeout: options.commandTimeoutMs ?? 1000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
  });
  // Without a listener, ioredis reports connection errors as unhandled 'error' events.
  client.on('error', () => undefined);
  return client;
}
