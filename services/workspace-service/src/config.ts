import {
  baseEnvSchema,
  envBoolean,
  envList,
  envPort,
  parseConfig,
  rateLimitEnvShape,
  secretProblem,
  tokenLifetimeEnvShape,
  type Env,
} from '@sentinel/config';
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/** A secret this process only reports on: the value is dropped at parse time, whether it is set is kept. */
const secretIsSet = z
  .string()
  .optional()
  .transform((v) => v !== undefined && v.trim() !== '');

export const configSchema = baseEnvSchema.extend({
  PORT: envPort(9013),
  /** token-service's internal API: revoking a member's sessions after a role change or removal. */
  TOKEN_SERVICE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:9012'),
  /** How often the activity sequencer chains new log entries (every replica tries; one works at a time). */
  ACTIVITY_CHAIN_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),

  // Read only to answer GET /admin/system/settings (other processes enforce them).
  ...rateLimitEnvShape,
  ...tokenLifetimeEnvShape,
  CORS_ORIGINS: envList(),
  ADMIN_EMAILS: envList().transform((list) => list.map((e) => e.toLowerCase())),
  DEV_LOGIN: envBoolean(false),
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: secretIsSet,
  GITHUB_CLIENT_ID: optionalText,
  GITHUB_CLIENT_SECRET: secretIsSet,
  ENTRA_CLIENT_ID: optionalText,
  ENTRA_CLIENT_SECRET: secretIsSet,
  ENTRA_TENANT_ID: optionalText,
  OIDC_PROVIDERS: envList().transform((list) => list.map((n) => n.toLowerCase())),
  /** Whether a strong login-state secret is configured (the value itself is never kept here). */
  SESSION_SECRET_KEY: z
    .string()
    .optional()
    .transform((v) => secretProblem('SESSION_SECRET_KEY', v, 'text') === undefined),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Env): Config {
  return parseConfig(configSchema, env, { secrets: { INTERNAL_SECRET: 'text' } });
}
