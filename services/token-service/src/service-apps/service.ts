import type { ServiceKeyInvalidation } from '@sentinel/contracts';
import type { Database } from '@sentinel/db';
import { NotFoundError, type Logger } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import { createServiceKeyCache } from './cache';
import { generateKey } from './keys';
import { createServiceAppRepository, type Actor, type ServiceApp, type StaleKeys } from './repository';
import type { ServiceResources } from './resources';
import { createServiceKeyVerifier, type ServiceKeyVerifier } from './verify';

export interface ServiceAppsDeps {
  prisma: Database;
  redis: Redis;
  logger: Logger;
  config: { SERVICE_KEY_CACHE_SECONDS: number; REDIS_KEY_PREFIX: string };
  /** permission-service's resources of a service, purged when its app is deleted. */
  resources: ServiceResources;
  /** last_used_at is written at most once per this many seconds per app (default 60). */
  lastUsedIntervalSeconds?: number;
}

/** An app with its new key: the only moment the key exists outside the caller's hands. */
export interface ServiceAppWithKey {
  app: ServiceApp;
  apiKey: string;
}

export interface ServiceApps {
  list(): Promise<ServiceApp[]>;
  get(id: string): Promise<ServiceApp>;
  create(input: { name: string; serviceName: string }, actor: Actor): Promise<ServiceAppWithKey>;
  update(id: string, changes: { name?: string; isActive?: boolean }, actor: Actor): Promise<ServiceApp>;
  /** A new key; the previous one keeps working for `overlapSeconds` (0: refused at once). */
  rotateKey(id: string, overlapSeconds: number, actor: Actor): Promise<ServiceAppWithKey>;
  delete(id: string, actor: Actor): Promise<void>;
  verify: ServiceKeyVerifier;
}

const notFound = () => new NotFoundError('Service app not found');

/** Service apps: the admin operations and the verification of keys, over Postgres and Redis. */
export function createServiceApps(deps: ServiceAppsDeps): ServiceApps {
  const repository = createServiceAppRepository(deps.prisma);
  const cache = createServiceKeyCache({
    redis: deps.redis,
    ttlSeconds: deps.config.SERVICE_KEY_CACHE_SECONDS,
    redisKeyPrefix: deps.config.REDIS_KEY_PREFIX,
    logger: deps.logger,
  });

  /**
   * After the commit. If Redis fails here the change stands (Postgres is the truth) and a stale
   * entry can live at most SERVICE_KEY_CACHE_SECONDS; the failure is logged as an error.
   */
  const invalidate = async (stale: StaleKeys, reason: ServiceKeyInvalidation['reason']) => {
    try {
      await cache.invalidate(stale, reason);
    } catch (err) {
      deps.logger.error({ err, appId: stale.appId }, 'could not invalidate cached service keys');
    }
  };

  return {
    list: () => repository.list(),

    async get(id) {
      const app = await repository.get(id);
      if (!app) throw notFound();
      return app;
    },

    async create(input, actor) {
      const key = generateKey();
      const app = await repository.create(input, key, actor);
      return { app, apiKey: key.apiKey };
    },

    async update(id, changes, actor) {
      const result = await repository.update(id, changes, actor);
      if (!result) throw notFound();
      if (result.stale) await invalidate(result.stale, 'updated');
      return result.app;
    },

    async rotateKey(id, overlapSeconds, actor) {
      const key = generateKey();
      const result = await repository.rotate(id, key, overlapSeconds, actor);
      if (!result) throw notFound();
      // The previous key may still be cached: its entry is dropped and re-read with its expiry.
      await invalidate(result.stale, 'rotated');
      return { app: result.app, apiKey: key.apiKey };
    },

    /**
     * Purge first, then delete, so that a failure loses nothing: permission-service unreachable
     * → 503 and the app still exists (the admin retries; the purge is idempotent). A resource the
     * service registers between the purge and the delete outlives the app; deregister it by hand.
     */
    async delete(id, actor) {
      const app = await repository.get(id);
      if (!app) throw notFound();
      const log = deps.logger.child({ appId: id, serviceName: app.serviceName });
      let purged;
      try {
        purged = await deps.resources.purge(app, actor);
      } catch (err) {
        log.warn({ err }, 'service app not deleted: could not purge its resources');
        throw err;
      }
      log.info(purged, "purged the service app's resources");
      const stale = await repository.delete(id, actor);
      if (!stale) throw notFound();
      await invalidate(stale, 'deleted');
    },

    verify: createServiceKeyVerifier({
      repository,
      cache,
      redis: deps.redis,
      logger: deps.logger,
      ...(deps.lastUsedIntervalSeconds === undefined ? {} : { lastUsedIntervalSeconds: deps.lastUsedIntervalSeconds }),
    }),
  };
}
