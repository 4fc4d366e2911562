import { baseEnvSchema, envPort, parseConfig, type Env } from '@sentinel/config';
import { z } from 'zod';

const serviceUrl = (port: number) => z.url({ protocol: /^https?$/ }).default(`http://127.0.0.1:${port}`);

export const gatewayEnvSchema = baseEnvSchema.extend({
  PORT: envPort(9003),
  AUTH_SERVICE_URL: serviceUrl(9011),
  TOKEN_SERVICE_URL: serviceUrl(9012),
  WORKSPACE_SERVICE_URL: serviceUrl(9013),
  PERMISSION_SERVICE_URL: serviceUrl(9014),
  /** How long the gateway waits for an upstream's response before answering 502. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** How long the gateway waits to connect to an upstream before answering 503. */
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(50).default(2_000),
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export function loadConfig(env: Env): GatewayConfig {
  return parseConfig(gatewayEnvSchema, env, { secrets: { INTERNAL_SECRET: 'text' } });
}
