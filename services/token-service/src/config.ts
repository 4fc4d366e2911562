import { baseEnvSchema, denylistEnvShape, envPort, parseConfig, tokenLifetimeEnvShape, type Env } from '@sentinel/config';
import { z } from 'zod';

const hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 32 bytes as 64 hex digits');

export const configSchema = baseEnvSchema.extend({
  PORT: envPort(9012),
  /** Encrypts private signing keys (and every other encrypted column) at rest. */
  ENCRYPTION_KEY: hex32,
  /** The key before the last change of ENCRYPTION_KEY: still decrypts until re-encryption is done. */
  ENCRYPTION_KEY_PREVIOUS: hex32.optional(),
  /** How often the background job looks for rows still encrypted under an old key. */
  REENCRYPT_INTERVAL_MS: z.coerce.number().int().min(50).default(60_000),
  /** Load the signing key from PEM files instead of generating one. */
  JWT_PRIVATE_KEY_PATH: z.string().optional(),
  JWT_PUBLIC_KEY_PATH: z.string().optional(),
  JWT_KEY_BITS: z.coerce.number().pipe(z.union([z.literal(2048), z.literal(3072)])).default(2048),
  ...tokenLifetimeEnvShape,
  /** max-age of the Cache-Control header on the JWKS and the discovery document (seconds). */
  JWKS_CACHE_CONTROL_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(300),
  /**
   * How long a new signing key is published before it signs (seconds). Unset: the JWKS max-age,
   * plus jose's 30 s cooldown, plus the 5 s in which every replica reloads its keys.
   */
  SIGNING_KEY_PUBLISH_AHEAD_SECONDS: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().int().min(0).optional(),
  ),
  /** A new signing key is scheduled when the newest one is this many days old; 0 turns it off. */
  SIGNING_KEY_ROTATION_DAYS: z.coerce.number().min(0).default(90),
  /** How often the scheduled rotation checks whether a rotation is due. */
  SIGNING_KEY_ROTATION_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).default(600_000),
  /** Seconds of clock skew accepted when verifying tokens (at most 60). */
  JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(60).default(60),
  /** How often the Redis mirror of the denylist is rebuilt from Postgres (and its marker renewed). */
  DENYLIST_REBUILD_INTERVAL_MS: z.coerce.number().int().min(50).default(20_000),
  ...denylistEnvShape,
  /** How long a verified service key stays cached (invalidated at once on rotate/deactivate). */
  SERVICE_KEY_CACHE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** permission-service, asked to purge a service's resources before its service app is deleted. */
  PERMISSION_SERVICE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:9014'),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Env): Config {
  return parseConfig(configSchema, env, { secrets: { INTERNAL_SECRET: 'text', ENCRYPTION_KEY: 'hex32' } });
}
