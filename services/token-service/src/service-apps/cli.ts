import { baseEnvSchema, type Env } from '@sentinel/config';
import { createServiceAppRequestSchema } from '@sentinel/contracts';
import { createPrismaClient } from '@sentinel/db';
import { createLogger, HttpError } from '@sentinel/http';
import { createRedisClient } from '@sentinel/redis';
import type { ServiceApp } from './repository';
import { createServiceApps } from './service';

/** What the operator CLI needs from the environment (the same defaults as every service). */
const cliEnvSchema = baseEnvSchema.pick({ DATABASE_URL: true, REDIS_URL: true, REDIS_KEY_PREFIX: true });

export type CliCreateResult = { ok: true; app: ServiceApp; apiKey: string } | { ok: false; problems: string[] };

/**
 * `pnpm sentinel service-apps create`: registers a service app with no actor (recorded as such in
 * the activity log), over its own connections built from `env`, closed before returning.
 */
export async function createServiceAppFromCli(input: { name?: string; serviceName?: string }, env: Env): Promise<CliCreateResult> {
  const parsed = createServiceAppRequestSchema.safeParse({ name: input.name, service_name: input.serviceName });
  if (!parsed.success) {
    const option = (field: PropertyKey | undefined) => (field === 'service_name' ? '--service-name' : `--${String(field)}`);
    return { ok: false, problems: parsed.error.issues.map((issue) => `${option(issue.path[0])}: ${issue.message}`) };
  }
  const config = cliEnvSchema.parse(env);
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: 2 });
  const redis = createRedisClient(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX });
  try {
    const serviceApps = createServiceApps({
      prisma,
      redis,
      logger: createLogger('sentinel-cli', 'warn'),
      // Creating touches no cache; the TTL only matters to verification.
      config: { SERVICE_KEY_CACHE_SECONDS: 300, REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX },
      // The CLI only creates; deleting (and purging) goes through the admin API.
      resources: { purge: () => Promise.reject(new Error('the CLI does not delete service apps')) },
    });
    const { app, apiKey } = await serviceApps.create({ name: parsed.data.name, serviceName: parsed.data.service_name }, null);
    return { ok: true, app, apiKey };
  } catch (err) {
    if (err instanceof HttpError) return { ok: false, problems: [err.detail] };
    throw err;
  } finally {
    await prisma.$disconnect();
    redis.disconnect();
  }
}
