import { ConfigError, type Env } from '@sentinel/config';
import { createPrismaClient } from '@sentinel/db';
import { createLogger } from '@sentinel/http';
import { createRedisClient } from '@sentinel/redis';
import { loadConfig, type Config } from '../config';
import { createKeyRotation, type RotationResult } from './rotation';

export type CliRotateResult = ({ ok: true } & RotationResult) | { ok: false; problems: string[] };

/**
 * `pnpm sentinel keys rotate [--compromised]`: rotates the signing key over connections of its own
 * built from `env` (token-service's configuration), tells running replicas and gateways through
 * Redis, and closes everything before returning. `compromised`: the new key signs at once and
 * every other key is dropped from the JWKS.
 */
export async function rotateKeyFromCli(env: Env, { compromised = false } = {}): Promise<CliRotateResult> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, problems: err.problems };
    throw err;
  }
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: 2 });
  const redis = createRedisClient(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX });
  try {
    const rotation = createKeyRotation({ config, logger: createLogger('sentinel-cli', 'warn'), prisma, redis });
    return { ok: true, ...(await rotation.rotate({ immediate: compromised })) };
  } finally {
    await prisma.$disconnect();
    redis.disconnect();
  }
}
