import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';
import { serviceNameSchema } from './service-apps';

/**
 * Custom RBAC (`/roles/*`, `/admin/service-actions`, `/admin/roles`, `/admin/workspaces/{id}/roles`).
 * Shapes follow Sentinel Auth 0.7's `role_routes.py` and admin RBAC routes; (+) marks additions.
 */

/** A service action name: `^[a-z][a-z0-9_.:-]*$`, at most 255 characters. */
export const actionNameSchema = z
  .string()
  .max(255)
  .regex(/^[a-z][a-z0-9_.:-]*$/, 'must match ^[a-z][a-z0-9_.:-]*$');

/** POST /roles/actions/register: an upsert; a given description replaces the stored one. */
export const registerActionsRequestSchema = z.object({
  service_name: serviceNameSchema,
  actions: z
    .array(z.object({ action: actionNameSchema, description: z.string().max(1000).nullable().optional() }))
    .min(1)
    .max(500),
});
export type RegisterActionsRequest = z.infer<typeof registerActionsRequestSchema>;

/** `ServiceActionResponse` */
export const serviceActionSchema = z.object({
  id: uuidSchema,
  service_name: z.string(),
  action: z.string(),
  description: z.string().nullable(),
  created_at: isoDateTimeSchema,
});
export type ServiceActionBody = z.infer<typeof serviceActionSchema>;
export const serviceActionListSchema = z.array(serviceActionSchema);

/** POST /roles/check-action */
export const checkActionRequestSchema = z.object({
  service_name: serviceNameSchema,
  action: actionNameSchema,
  workspace_id: uuidSchema,
});
export type CheckActionRequest = z.infer<typeof checkActionRequestSchema>;
/** `roles`: the names of the user's roles in the workspace that grant the action. */
export const checkActionResponseSchema = z.object({ allowed: z.boolean(), roles: z.array(z.string()) });

/** GET /roles/user-actions?workspace_id=&service_name= */
export const userActionsQuerySchema = z.object({ workspace_id: uuidSchema, service_name: serviceNameSchema });
export type UserActionsQuery = z.infer<typeof userActionsQuerySchema>;
export const userActionsResponseSchema = z.object({ actions: z.array(z.string()) });

/** GET /admin/service-actions?service_name= */
export const serviceActionsQuerySchema = z.object({ service_name: serviceNameSchema.optional() });

/** POST /admin/workspaces/{id}/roles */
export const createRoleRequestSchema = z.object({
  name: z.string().trim().min(1).max(255),
  description: z.string().max(1000).nullable().optional(),
});
export type CreateRoleRequest = z.infer<typeof createRoleRequestSchema>;

/** PATCH /admin/roles/{id} */
export const updateRoleRequestSchema = z.object({
  name: z.string().trim().min(1).max(255).optional(),
  description: z.string().max(1000).nullable().optional(),
});
export type UpdateRoleRequest = z.infer<typeof updateRoleRequestSchema>;

/** A role with `action_count` and `member_count` (0.7's admin role response). */
export const roleSchema = z.object({
  id: uuidSchema,
  workspace_id: uuidSchema,
  name: z.string(),
  description: z.string().nullable(),
  created_by: uuidSchema.nullable(),
  created_at: isoDateTimeSchema,
  action_count: z.number().int(),
  member_count: z.number().int(),
});
export type RoleBody = z.infer<typeof roleSchema>;
export const roleListSchema = z.array(roleSchema);

/** POST /admin/roles/{id}/actions */
export const attachRoleActionsRequestSchema = z.object({ service_action_ids: z.array(uuidSchema).min(1).max(500) });
export type AttachRoleActionsRequest = z.infer<typeof attachRoleActionsRequestSchema>;

/** GET /admin/roles/{id}/members */
export const roleMemberSchema = z.object({
  user_id: uuidSchema,
  email: z.string(),
  name: z.string().nullable(),
  assigned_at: isoDateTimeSchema,
  assigned_by: uuidSchema.nullable(),
});
export type RoleMemberBody = z.infer<typeof roleMemberSchema>;
export const roleMemberListSchema = z.array(roleMemberSchema);
