import { safeEqual } from '@sentinel/crypto';
import type { Logger } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import type { CachedKey, ServiceKeyCache } from './cache';
import { hashKey, keyPrefixOf } from './keys';
import type { KeyRecord, ServiceAppRepository } from './repository';

export interface VerifiedServiceKey {
  appId: string;
  serviceName: string;
}

export type ServiceKeyVerifier = (apiKey: string) => Promise<VerifiedServiceKey | undefined>;

/** Which key of the record `hash` is, if any (hashes compared in constant time; prefixes are public). */
function match(record: KeyRecord, prefix: string, hash: string, now: number): CachedKey | undefined {
  const base = { appId: record.appId, serviceName: record.serviceName };
  const current = record.keyPrefix === prefix && safeEqual(hash, record.keyHash);
  if (current) return base;
  const expiresAt = record.previousKeyExpiresAt?.getTime();
  const previous =
    record.previousKeyPrefix === prefix &&
    record.previousKeyHash !== null &&
    safeEqual(hash, record.previousKeyHash) &&
    expiresAt !== undefined &&
    expiresAt > now;
  return previous ? { ...base, expiresAt } : undefined;
}

/**
 * Marks an app as used without a database write per request. Each process remembers when it
 * last reported an app and reports at most once per interval; a report first claims the
 * interval in Redis (SET NX EX), so across all replicas only one of them writes, and the UPDATE
 * itself only applies when the stored value is older than the interval (the guard that still
 * holds if Redis was flushed or is down). last_used_at is therefore exact to within the interval.
 */
function createUsageRecorder(deps: { repository: ServiceAppRepository; redis: Redis; logger: Logger; intervalSeconds: number }) {
  const { repository, redis, logger, intervalSeconds } = deps;
  const reported = new Map<string, number>();
  const record = async (appId: string) => {
    let claimed = true;
    try {
      claimed = (await redis.set(`svc:used:${appId}`, '1', 'EX', intervalSeconds, 'NX')) === 'OK';
    } catch {
      // Redis unavailable: the conditional UPDATE below still bounds the writes.
    }
    if (claimed) await repository.touchLastUsed(appId, intervalSeconds);
  };
  return (appId: string) => {
    const now = Date.now();
    const last = reported.get(appId);
    if (last !== undefined && now - last < intervalSeconds * 1000) return;
    reported.set(appId, now);
    // Off the request path: a failure only costs the precision of last_used_at.
    record(appId).catch((err: unknown) => logger.warn({ err, appId }, 'could not record service key use'));
  };
}

export interface VerifierOptions {
  repository: ServiceAppRepository;
  cache: ServiceKeyCache;
  redis: Redis;
  logger: Logger;
  /** last_used_at is written at most once per this many seconds per app (default 60). */
  lastUsedIntervalSeconds?: number;
}

/**
 * Verifies an `X-Service-Key`: well-formed, known prefix, matching hash (the current key, or the
 * previous one during its overlap), app active. Verified keys are cached in Redis under their
 * hash for SERVICE_KEY_CACHE_SECONDS; rotate, update and delete drop them at once. Failures are
 * not cached: a look-up by the unique prefix is one indexed read, and the gateway rate-limits.
 */
export function createServiceKeyVerifier(options: VerifierOptions): ServiceKeyVerifier {
  const { repository, cache } = options;
  const markUsed = createUsageRecorder({
    repository,
    redis: options.redis,
    logger: options.logger,
    intervalSeconds: options.lastUsedIntervalSeconds ?? 60,
  });

  return async (apiKey) => {
    const prefix = keyPrefixOf(apiKey);
    if (prefix === undefined) return undefined;
    const hash = hashKey(apiKey);
    const now = Date.now();
    const cached = await cache.lookup(hash);
    let entry = cached?.entry;
    if (entry === undefined) {
      const record = await repository.findByPrefix(prefix);
      const matched = record?.isActive ? match(record, prefix, hash, now) : undefined;
      if (matched && cached) await cache.store(hash, matched, cached.generation);
      entry = matched;
    }
    if (!entry || (entry.expiresAt !== undefined && entry.expiresAt <= now)) return undefined;
    markUsed(entry.appId);
    return { appId: entry.appId, serviceName: entry.serviceName };
  };
}
