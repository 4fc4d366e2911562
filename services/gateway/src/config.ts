import { baseEnvSchema, denylistEnvShape, envBoolean, envList, envPort, parseConfig, rateLimitEnvShape, type Env } from '@sentinel/config';
import { z } from 'zod';

const serviceUrl = (port: number) => z.url({ protocol: /^https?$/ }).default(`http://127.0.0.1:${port}`);
const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

export const gatewayEnvSchema = baseEnvSchema.extend({
  PORT: envPort(9003),
  AUTH_SERVICE_URL: serviceUrl(9011),
  TOKEN_SERVICE_URL: serviceUrl(9012),
  WORKSPACE_SERVICE_URL: serviceUrl(9013),
  PERMISSION_SERVICE_URL: serviceUrl(9014),
  /** How long an upstream may stay silent before the gateway answers 504 (the outcome is unknown). */
  UPSTREAM_TIMEOUT_MS: int(100, 30_000),
  /** How long the gateway waits to connect to an upstream before answering 503 (nothing happened). */
  UPSTREAM_CONNECT_TIMEOUT_MS: int(50, 2_000),

  /** The client IP is the last X-Forwarded-For entry (the one our TLS proxy added), not the socket's. */
  BEHIND_PROXY: envBoolean(false),
  /** Origins allowed by CORS besides active client apps' redirect-URI origins and ADMIN_URL's. */
  CORS_ORIGINS: envList(),
  /** How long the client apps' origins are cached (seconds). */
  CORS_CACHE_SECONDS: int(0, 10),

  /** Seconds of clock skew accepted on exp, nbf and iat (at most 60). */
  JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(60).default(60),
  /** A token with a kid we do not know fetches the JWKS again at most once per this many seconds. */
  JWKS_REFRESH_INTERVAL_SECONDS: int(1, 10),
  /** The whole key set is re-fetched in the background when older than this (seconds). */
  JWKS_MAX_AGE_SECONDS: int(1, 300),
  /** How long a verified service key stays cached in the gateway (dropped at once on rotate/deactivate). */
  SERVICE_KEY_CACHE_SECONDS: int(0, 300),

  ...rateLimitEnvShape,
  ...denylistEnvShape,

  /** Largest request body (bytes); larger gets 413. */
  BODY_LIMIT_BYTES: int(1, 1024 * 1024),
  /** Largest body of /admin/import/csv/* (bytes). */
  CSV_IMPORT_BODY_LIMIT_BYTES: int(1, 5 * 1024 * 1024),
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export function loadConfig(env: Env): GatewayConfig {
  return parseConfig(gatewayEnvSchema, env, { secrets: { INTERNAL_SECRET: 'text' } });
}
