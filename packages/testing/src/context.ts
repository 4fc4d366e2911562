import type { BaseEnv, Env } from '@sentinel/config';
import { createPrismaClient } from '@sentinel/db';
import { createLogger } from '@sentinel/http';
import { runClosers, type ServiceDeps } from '@sentinel/runtime';
import { createTestDatabase } from './database';
import { TEST_INTERNAL_SECRET } from './identity';
import { createTestRedis } from './redis';

export interface TestContext<C extends BaseEnv> {
  deps: ServiceDeps<C>;
  databaseUrl: string;
  /** The environment the config was parsed from, for starting real processes alike. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A service's real dependencies for one test file: its own database (cloned from the migrated
 * template), its own Redis key prefix, a silent logger, and the config parsed from `env`.
 */
export async function createTestContext<C extends BaseEnv>(
  loadConfig: (env: Env) => C,
  extraEnv: Record<string, string> = {},
): Promise<TestContext<C>> {
  const database = await createTestDatabase();
  const redis = await createTestRedis();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    INTERNAL_SECRET: TEST_INTERNAL_SECRET,
    SESSION_SECRET_KEY: 'test-session-secret-0123456789abcdef0123456789',
    ENCRYPTION_KEY: '3f7a1c9e5b2d4f6a8c0e1b3d5f7a9c1e2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a',
    ...extraEnv,
  };
  const config = loadConfig(env);
  const prisma = createPrismaClient(database.url, { poolSize: 5 });
  const closers: Array<() => Promise<unknown>> = [];
  const deps: ServiceDeps<C> = {
    config,
    logger: createLogger('test', 'silent'),
    prisma,
    redis: redis.client,
    onClose: (closer) => closers.unshift(closer),
  };
  return {
    deps,
    databaseUrl: database.url,
    env,
    close: async () => {
      await runClosers(closers);
      await prisma.$disconnect();
      await redis.cleanup();
      await database.drop();
    },
  };
}
