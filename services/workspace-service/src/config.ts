import { baseEnvSchema, envPort, parseConfig, type Env } from '@sentinel/config';
import { z } from 'zod';

export const configSchema = baseEnvSchema.extend({
  PORT: envPort(9013),
  /** token-service's internal API: revoking a member's sessions after a role change or removal. */
  TOKEN_SERVICE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:9012'),
  /** How often the activity sequencer chains new log entries (every replica tries; one works at a time). */
  ACTIVITY_CHAIN_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Env): Config {
  return parseConfig(configSchema, env, { secrets: { INTERNAL_SECRET: 'text' } });
}
