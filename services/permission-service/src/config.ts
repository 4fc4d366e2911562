import { baseEnvSchema, envPort, parseConfig, type Env } from '@sentinel/config';
import { z } from 'zod';

export const configSchema = baseEnvSchema.extend({
  PORT: envPort(9014),
  /**
   * Resources whose facts (owner, visibility, shares) each replica keeps, least recently used out
   * first; 0 turns the cache off. Entries are used only at the workspace revision they were read at.
   */
  PERMISSION_CACHE_SIZE: z.coerce.number().int().min(0).default(100_000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Env): Config {
  return parseConfig(configSchema, env, { secrets: { INTERNAL_SECRET: 'text' } });
}
