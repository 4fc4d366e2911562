import { z } from 'zod';

/** Admin API: system health and settings (0.7 contract §2.7 "Dashboard and system"). */

const checkSchema = z.object({
  status: z.enum(['ok', 'error']),
  latency_ms: z.number().min(0).nullable(),
  error: z.string().nullable(),
});

export const systemHealthSchema = z.object({
  status: z.enum(['healthy', 'degraded']),
  checks: z.object({ database: checkSchema, redis: checkSchema }),
  uptime_seconds: z.number().int().min(0),
  version: z.string(),
});
export type SystemHealth = z.infer<typeof systemHealthSchema>;

/**
 * GET /admin/system/settings: what is configured, never a secret (`.strict()` everywhere, so
 * no undeclared field can slip through).
 */
export const systemSettingsSchema = z
  .object({
    oauth_providers: z.array(z.string()),
    jwt: z
      .object({
        algorithm: z.literal('RS256'),
        access_token_expire_minutes: z.number(),
        refresh_token_expire_days: z.number(),
        admin_token_expire_minutes: z.number(),
        public_key_preview: z.string().max(80).nullable(),
        denylist_count: z.number().int().min(0),
      })
      .strict(),
    security: z
      .object({
        cookie_secure: z.boolean(),
        allowed_hosts: z.array(z.string()),
        cors_origins: z.array(z.string()),
        session_secret_configured: z.boolean(),
        admin_emails: z.array(z.string()),
      })
      .strict(),
    /** The gateway's limits: requests per window of `window_seconds`; 0 means off. */
    rate_limits: z
      .object({
        window_seconds: z.number().int(),
        per_client: z.number().int(),
        per_admin_session: z.number().int(),
        per_service_key: z.number().int(),
        auth: z.number().int(),
        admin_login: z.number().int(),
        admin_bulk: z.number().int(),
        admin_revoke_tokens: z.number().int(),
        admin_rotate_key: z.number().int(),
      })
      .strict(),
    service_keys: z.array(z.object({ name: z.string(), preview: z.string() }).strict()),
    service: z.object({ base_url: z.string(), frontend_url: z.string().nullable(), admin_url: z.string() }).strict(),
  })
  .strict();
export type SystemSettings = z.infer<typeof systemSettingsSchema>;
