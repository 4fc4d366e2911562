import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema, workspaceRoleSchema } from './common';
import { pageQuerySchema, pageSchema } from './pagination';
import { displayNameSchema } from './workspaces';

/** Admin API: users and the dashboard's stats (0.7 contract §2.7 "Users", "Dashboard"). */

/** GET /admin/users: `search` matches email or name, any case; `%`, `_` and `\` match themselves. */
export const adminUserSearchQuerySchema = pageQuerySchema.extend({ search: z.string().max(255).optional() });

export const adminUserSchema = z.object({
  id: uuidSchema,
  email: z.string(),
  name: z.string(),
  avatar_url: z.string().nullable(),
  is_active: z.boolean(),
  is_admin: z.boolean(),
  created_at: isoDateTimeSchema,
  workspace_count: z.number().int().min(0),
});
export type AdminUser = z.infer<typeof adminUserSchema>;
export const adminUserPageSchema = pageSchema(adminUserSchema);

/** GET /admin/users/{id}: provider tokens and provider data are never part of it. */
export const adminUserDetailSchema = adminUserSchema.extend({
  social_accounts: z.array(z.object({ id: uuidSchema, provider: z.string(), provider_user_id: z.string() })),
  memberships: z.array(
    z.object({
      workspace_id: uuidSchema,
      workspace_name: z.string(),
      workspace_slug: z.string(),
      role: workspaceRoleSchema,
      joined_at: isoDateTimeSchema,
    }),
  ),
});
export type AdminUserDetail = z.infer<typeof adminUserDetailSchema>;

export const adminUpdateUserRequestSchema = z.object({
  name: displayNameSchema.optional(),
  is_active: z.boolean().optional(),
  is_admin: z.boolean().optional(),
});
export type AdminUpdateUserRequest = z.infer<typeof adminUpdateUserRequestSchema>;

/** POST /admin/users/{id}/workspaces → 201 with the new member. */
export const adminAddToWorkspaceRequestSchema = z.object({
  workspace_id: uuidSchema,
  role: workspaceRoleSchema.default('viewer'),
});

export const adminRevokeTokensResponseSchema = z.object({ status: z.literal('ok'), tokens_revoked: z.number().int().min(0) });

export const adminBulkStatusRequestSchema = z.object({
  user_ids: z.array(uuidSchema).min(1).max(500),
  is_active: z.boolean(),
});
export const adminBulkStatusResponseSchema = z.object({ status: z.literal('ok'), affected: z.number().int().min(0) });

/** GET /admin/stats. */
export const adminStatsSchema = z.object({
  total_users: z.number().int(),
  total_workspaces: z.number().int(),
  total_groups: z.number().int(),
  total_resources: z.number().int(),
  active_users: z.number().int(),
  inactive_users: z.number().int(),
  recent_users: z.array(adminUserSchema).max(5),
  top_workspaces: z.array(z.object({ id: uuidSchema, name: z.string(), slug: z.string(), member_count: z.number().int() })).max(5),
});
export type AdminStats = z.infer<typeof adminStatsSchema>;
