import type { RequestListener } from 'node:http';
import { ConfigError, readEnvironment, type BaseEnv, type Env } from '@sentinel/config';
import { createPrismaClient, migrateDatabase, type Database } from '@sentinel/db';
import type { Express, Router } from 'express';
import {
  closeOnSignals,
  createLogger,
  createServiceApp,
  serve,
  type Logger,
  type ReadinessCheck,
  type RunningServer,
  type ServiceAppOptions,
} from '@sentinel/http';
import { createRedisClient, type Redis } from '@sentinel/redis';

export { startPeriodicJob } from './periodic';
export type { PeriodicJob, PeriodicJobOptions } from './periodic';

/** What every service's createApp receives; services add their own deps on top. */
export interface ServiceDeps<C extends BaseEnv> {
  config: C;
  logger: Logger;
  prisma: Database;
  redis: Redis;
  /** Registers cleanup (subscriptions, timers) run when the process or the test closes, last first. */
  onClose(closer: () => Promise<unknown>): void;
}

export interface ServiceDefinition<C extends BaseEnv & { PORT: number }> {
  name: string;
  loadConfig(env: Env): C;
  createApp(deps: ServiceDeps<C>): RequestListener;
  /** Background work (jobs, sequencers) started once the process listens; stop it via deps.onClose. */
  background?(deps: ServiceDeps<C>): void;
}

export interface StartedService<C extends BaseEnv> extends RunningServer {
  deps: ServiceDeps<C>;
}

/**
 * The composition root every service's main.ts calls: read and check the configuration, apply
 * pending migrations (once across processes), connect Postgres and Redis, build the app, listen,
 * and close everything on SIGTERM/SIGINT. A bad configuration exits 1 with the list of problems.
 */
export async function startService<C extends BaseEnv & { PORT: number }>(
  definition: ServiceDefinition<C>,
  env: Env = readEnvironment(),
): Promise<StartedService<C>> {
  let config: C;
  try {
    config = definition.loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${definition.name}: ${err.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const { applied } = await migrateDatabase(config.DATABASE_URL, { log: (msg) => logger.info(msg) });
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  await prisma.$connect(); // open the pool now, not on the first request
  const redis = createRedisClient(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    breakerThreshold: config.REDIS_BREAKER_THRESHOLD,
  });
  const closers: Array<() => Promise<unknown>> = [];
  const deps: ServiceDeps<C> = { config, logger, prisma, redis, onClose: (closer) => closers.unshift(closer) };
  const running = await serve(definition.createApp(deps), {
    port: config.PORT,
    host: config.HOST,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    cookieSecure: config.COOKIE_SECURE,
    closers: [() => runClosers(closers), () => prisma.$disconnect(), () => redis.quit()],
  });
  definition.background?.(deps);
  closeOnSignals(running, logger);
  logger.info({ port: running.port }, `${definition.name} listening`);
  return { ...running, deps };
}

/** main.ts's one call: start the service, or log why it could not start and exit 1. */
export function runService<C extends BaseEnv & { PORT: number }>(definition: ServiceDefinition<C>): void {
  startService(definition).catch((err: unknown) => {
    process.stderr.write(`${definition.name} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

/** Readiness of a process: Postgres and Redis both answer. */
export function readinessChecks(deps: Pick<ServiceDeps<BaseEnv>, 'prisma' | 'redis'>): Record<string, ReadinessCheck> {
  return {
    postgres: () => deps.prisma.$queryRaw`SELECT 1`,
    redis: () => deps.redis.ping(),
  };
}

/** A service's Express app: the shared skeleton (createServiceApp) around its routers. */
export function serviceApp(
  deps: ServiceDeps<BaseEnv>,
  routers: Router[],
  options: Pick<ServiceAppOptions, 'bodyLimit' | 'bodyErrors'> = {},
): Express {
  return createServiceApp(
    { logger: deps.logger, internalSecret: deps.config.INTERNAL_SECRET, readiness: readinessChecks(deps), ...options },
    routers,
  );
}

/** Runs closers in order, each even if an earlier one failed; rethrows the first failure. */
export async function runClosers(closers: Array<() => Promise<unknown>>): Promise<void> {
  const failures: unknown[] = [];
  for (const closer of closers) {
    try {
      await closer();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
}
