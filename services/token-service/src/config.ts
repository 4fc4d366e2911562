import { baseEnvSchema, envPort, parseConfig, type Env } from '@sentinel/config';
import type { z } from 'zod';

export const configSchema = baseEnvSchema.extend({
  PORT: envPort(9012),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Env): Config {
  return parseConfig(configSchema, env, { secrets: { INTERNAL_SECRET: 'text' } });
}
