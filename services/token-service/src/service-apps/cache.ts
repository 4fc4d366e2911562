import { serviceKeyInvalidationChannel, type ServiceKeyInvalidation } from '@sentinel/contracts';
import type { Logger } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import type { StaleKeys } from './repository';

/** A verified key as cached: which app it opens, and until when (a previous key in its overlap). */
export interface CachedKey {
  appId: string;
  serviceName: string;
  /** Epoch ms after which the key is refused (only for a previous key during an overlap). */
  expiresAt?: number;
}

/**
 * Redis keys (under the client's keyPrefix). A cache entry is named by the SHA-256 of the key,
 * the same value service_apps stores, so an invalidation can name the entries of a key it never
 * saw in clear, and Redis never holds a raw key.
 */
const entryKey = (hash: string) => `svc:key:${hash}`;
/**
 * Bumped by every invalidation. A verification notes it before reading Postgres and fills the
 * cache only if it is unchanged, so a read that raced a deactivation cannot re-cache the old key.
 */
const GENERATION_KEY = 'svc:gen';

const STORE_IF_GENERATION = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1`;

export interface ServiceKeyCache {
  /** The cached entry (if any) and the generation to pass to store(); undefined when Redis fails. */
  lookup(hash: string): Promise<{ entry: CachedKey | undefined; generation: string } | undefined>;
  store(hash: string, entry: CachedKey, generation: string): Promise<void>;
  /** After the change has committed: drop the entries and tell every gateway replica. */
  invalidate(stale: StaleKeys, reason: ServiceKeyInvalidation['reason']): Promise<void>;
}

function parseEntry(raw: string | null): CachedKey | undefined {
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<CachedKey>;
    if (typeof value.appId !== 'string' || typeof value.serviceName !== 'string') return undefined;
    return { appId: value.appId, serviceName: value.serviceName, ...(typeof value.expiresAt === 'number' ? { expiresAt: value.expiresAt } : {}) };
  } catch {
    return undefined;
  }
}

export function createServiceKeyCache(deps: {
  redis: Redis;
  ttlSeconds: number;
  /** The client's key prefix, which ioredis does not apply to pub/sub channels. */
  redisKeyPrefix: string;
  logger: Logger;
}): ServiceKeyCache {
  const { redis, ttlSeconds, logger } = deps;
  const channel = serviceKeyInvalidationChannel(deps.redisKeyPrefix);

  return {
    async lookup(hash) {
      try {
        const [raw, generation] = await redis.mget(entryKey(hash), GENERATION_KEY);
        return { entry: parseEntry(raw ?? null), generation: generation ?? '' };
      } catch (err) {
        logger.warn({ err }, 'service key cache unavailable; reading Postgres');
        return undefined;
      }
    },

    async store(hash, entry, generation) {
      const remaining = entry.expiresAt === undefined ? ttlSeconds : Math.floor((entry.expiresAt - Date.now()) / 1000);
      const ttl = Math.min(ttlSeconds, remaining);
      if (ttl < 1) return;
      try {
        await redis.eval(STORE_IF_GENERATION, 2, GENERATION_KEY, entryKey(hash), generation, JSON.stringify(entry), ttl);
      } catch (err) {
        logger.warn({ err }, 'could not cache a verified service key');
      }
    },

    async invalidate(stale, reason) {
      // Entries go first: once they are gone, every replica's next look-up reads Postgres.
      await redis
        .multi()
        .incr(GENERATION_KEY)
        .del(...stale.hashes.map(entryKey))
        .exec();
      const message: ServiceKeyInvalidation = { app_id: stale.appId, key_prefixes: stale.prefixes, reason };
      await redis.publish(channel, JSON.stringify(message));
    },
  };
}
