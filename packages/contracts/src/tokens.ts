import { z } from 'zod';
import { uuidSchema } from './common';

export const tokenPairSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});
export type TokenPairResponse = z.infer<typeof tokenPairSchema>;

export const refreshRequestSchema = z.object({ refresh_token: z.string().min(1).max(512) });
export const switchWorkspaceRequestSchema = z.object({ workspace_id: uuidSchema });
export const okSchema = z.object({ ok: z.literal(true) });

/** RFC 7009 / 7662 bodies (JSON or form). */
export const tokenRequestSchema = z.object({ token: z.string().min(1).max(8192), token_type_hint: z.string().optional() });

export const introspectionSchema = z.union([
  z.object({ active: z.literal(false) }),
  z.object({
    active: z.literal(true),
    token_type: z.enum(['access_token', 'refresh_token']),
    sub: uuidSchema,
    wid: uuidSchema,
    wslug: z.string().optional(),
    wrole: z.string().optional(),
    groups: z.array(uuidSchema).optional(),
    jti: z.string().optional(),
    iat: z.number().optional(),
    exp: z.number(),
    iss: z.string(),
    aud: z.string().optional(),
  }),
]);

// Internal routes of token-service (called by auth-service and workspace-service, never public).
export const issueTokensRequestSchema = z.object({
  user_id: uuidSchema,
  workspace_id: uuidSchema,
  client_app_id: uuidSchema.nullish(),
});
export const adminTokenRequestSchema = z.object({ user_id: uuidSchema });
export const adminTokenSchema = z.object({ token: z.string(), expires_in: z.number().int() });
export const revokeSessionsRequestSchema = z.object({
  reason: z.string().min(1).max(100),
  actor_id: uuidSchema.nullish(),
});
export const revokeUserSessionsRequestSchema = revokeSessionsRequestSchema.extend({
  user_ids: z.array(uuidSchema).min(1).max(1000),
});
/**
 * GET /internal/tokens/lifetimes (gateway): the longest lifetime (exp − iat, seconds) token-service
 * issues each JWT with, by its `type` claim. The gateway refuses a token that lives longer.
 */
export const tokenLifetimesSchema = z.object({
  max_lifetime_seconds: z.object({ access: z.number().int().positive(), admin_access: z.number().int().positive() }),
});
export type TokenLifetimes = z.infer<typeof tokenLifetimesSchema>;
export const revokeSessionsResponseSchema = z.object({ families: z.number().int(), access_tokens: z.number().int() });
export const denyTokenRequestSchema = z.object({
  jti: uuidSchema,
  /** Unix seconds: the token's own exp. */
  expires_at: z.number().int().positive(),
  user_id: uuidSchema.nullish(),
  reason: z.string().min(1).max(100),
});
