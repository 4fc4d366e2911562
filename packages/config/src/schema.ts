import { z } from 'zod';

/** "true"/"false"/"1"/"0" (any case) from the environment. */
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'TRUE', 'FALSE', 'True', 'False', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v === '1' || v.toLowerCase() === 'true'));

/** A comma-separated list. */
export const envList = (fallback: string[] = []) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined ? fallback : v.split(',').map((s) => s.trim()).filter(Boolean)));

export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const httpUrl = z.url({ protocol: /^https?$/ });

/** What every Sentinel process reads. Each service extends it with its own keys. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/sentinel'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379/0'),
  REDIS_KEY_PREFIX: z.string().default('sentinel:'),
  /** A Redis command without an answer fails after this long. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Consecutive Redis commands without an answer after which commands fail at once and the connection is replaced. */
  REDIS_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(3),
  INTERNAL_SECRET: z.string({ error: 'is not set' }).min(1, 'is not set'),
  INTERNAL_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(300).default(30),
  BASE_URL: httpUrl.default('http://localhost:9003'),
  DEBUG: envBoolean(false),
  ADMIN_URL: httpUrl.default('http://localhost:9004'),
  COOKIE_SECURE: envBoolean(false),
  /** Host names the gateway answers for; empty means BASE_URL's and ADMIN_URL's hosts; `*` disables the check. */
  ALLOWED_HOSTS: envList(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;
