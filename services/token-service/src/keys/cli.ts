import { ConfigError, type Env } from '@sentinel/config';
import { createPrismaClient } from '@sentinel/db';
import { createLogger } from '@sentinel/http';
import { createRedisClient } from '@sentinel/redis';
import { runClosers, type ServiceDeps } from '@sentinel/runtime';
import { loadConfig, type Config } from '../config';
import { createKeyStore } from './store';

export type CliRotateResult = { ok: true; kid: string } | { ok: false; problems: string[] };

/**
 * `pnpm sentinel keys rotate`: rotates the signing key over connections of its own built from
 * `env` (token-service's configuration), tells running replicas through Redis to switch, and
 * closes everything before returning.
 */
export async function rotateKeyFromCli(env: Env): Promise<CliRotateResult> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, problems: err.problems };
    throw err;
  }
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: 2 });
  const redis = createRedisClient(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX });
  const closers: Array<() => Promise<unknown>> = [];
  const deps: ServiceDeps<Config> = {
    config,
    logger: createLogger('sentinel-cli', 'warn'),
    prisma,
    redis,
    onClose: (closer) => closers.unshift(closer),
  };
  try {
    const { kid } = await createKeyStore(deps).rotate();
    return { ok: true, kid };
  } finally {
    await runClosers(closers);
    await prisma.$disconnect();
    redis.disconnect();
  }
}
