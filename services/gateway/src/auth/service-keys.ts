import { createHash } from 'node:crypto';
import {
  serviceKeyInvalidationChannel,
  serviceKeyInvalidationSchema,
  verifyServiceKeyResponseSchema,
} from '@sentinel/contracts';
import { AuthenticationError, createServiceClient, HttpError, type Logger, type ServiceIdentity } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';

export const INVALID_SERVICE_KEY = 'Invalid or missing service API key';
const MAX_KEY_LENGTH = 1024;

interface Entry {
  identity: ServiceIdentity;
  until: number;
}

export interface ServiceKeys {
  /** The key's app and service_name; 401 for a missing or invalid key, 503 when token-service cannot answer. */
  verify(apiKey: string | undefined): ServiceIdentity | Promise<ServiceIdentity>;
  /** Stops listening for invalidations. */
  close(): Promise<void>;
}

export interface ServiceKeyOptions {
  tokenServiceUrl: string;
  internalSecret: string;
  redis: Redis;
  redisKeyPrefix: string;
  cacheSeconds: number;
  logger: Logger;
}

/**
 * `X-Service-Key` verification through token-service (`POST /internal/service-keys/verify`), with
 * an in-process cache by the key's SHA-256 (never the key itself). token-service announces every
 * rotate, update and delete on a Redis channel; each gateway replica drops that app's entries at
 * once. Whenever the subscription is (re)established — messages may have been missed meanwhile —
 * the whole cache is dropped. A verification that raced an invalidation is not cached.
 */
export function createServiceKeys(options: ServiceKeyOptions): ServiceKeys {
  const client = createServiceClient({
    baseUrl: options.tokenServiceUrl,
    secret: options.internalSecret,
    caller: 'gateway',
    timeoutMs: 5000,
  });
  const cache = new Map<string, Entry>();
  const pending = new Map<string, Promise<ServiceIdentity>>();
  let generation = 0;
  const ttlMs = options.cacheSeconds * 1000;

  const dropAll = () => {
    generation += 1;
    cache.clear();
  };
  const dropApp = (appId: string) => {
    generation += 1;
    for (const [hash, entry] of cache) if (entry.identity.app_id === appId) cache.delete(hash);
  };

  const channel = serviceKeyInvalidationChannel(options.redisKeyPrefix);
  const subscriber = options.redis.duplicate({ keyPrefix: '' });
  subscriber.on('error', () => undefined);
  // 'ready' fires on the first connection and after every reconnection (ioredis resubscribes).
  subscriber.on('ready', dropAll);
  subscriber.on('close', dropAll);
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    try {
      const parsed = serviceKeyInvalidationSchema.safeParse(JSON.parse(raw));
      if (parsed.success) dropApp(parsed.data.app_id);
      else dropAll();
    } catch {
      dropAll();
    }
  });
  subscriber.subscribe(channel).catch((err: unknown) => options.logger.warn({ err }, 'service keys: subscribe failed'));

  const fetchIdentity = async (apiKey: string, hash: string): Promise<ServiceIdentity> => {
    const started = generation;
    let answer: unknown;
    try {
      answer = await client.post('/internal/service-keys/verify', { key: apiKey });
    } catch (err) {
      if (err instanceof HttpError && err.code === 'authentication') throw new AuthenticationError(INVALID_SERVICE_KEY);
      if (err instanceof HttpError && (err.code === 'validation' || err.code === 'input')) throw new AuthenticationError(INVALID_SERVICE_KEY);
      options.logger.warn({ err }, 'service key verification unavailable');
      throw new HttpError('unavailable', 'Service unavailable: token service');
    }
    const parsed = verifyServiceKeyResponseSchema.parse(answer);
    const identity: ServiceIdentity = { app_id: parsed.app_id, service_name: parsed.service_name };
    // Only a subscribed replica may cache: otherwise nobody would tell it about a deactivation.
    if (ttlMs > 0 && started === generation && subscriber.status === 'ready') cache.set(hash, { identity, until: Date.now() + ttlMs });
    return identity;
  };

  return {
    verify(apiKey) {
      if (!apiKey || apiKey.length > MAX_KEY_LENGTH) throw new AuthenticationError(INVALID_SERVICE_KEY);
      const hash = createHash('sha256').update(apiKey).digest('hex');
      const entry = cache.get(hash);
      if (entry) {
        if (entry.until > Date.now()) return entry.identity;
        cache.delete(hash);
      }
      let inFlight = pending.get(hash);
      if (!inFlight) {
        inFlight = fetchIdentity(apiKey, hash).finally(() => pending.delete(hash));
        pending.set(hash, inFlight);
      }
      return inFlight;
    },
    close: () => {
      subscriber.disconnect();
      return Promise.resolve();
    },
  };
}
