import { baseEnvSchema, envPort, parseConfig, type Env } from '@sentinel/config';
import { z } from 'zod';

export const configSchema = baseEnvSchema.extend({
  PORT: envPort(9011),
  /** Signs the short-lived login-state cookie. */
  SESSION_SECRET_KEY: z.string({ error: 'is not set' }).min(1, 'is not set'),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Env): Config {
  return parseConfig(configSchema, env, { secrets: { INTERNAL_SECRET: 'text', SESSION_SECRET_KEY: 'text' } });
}
