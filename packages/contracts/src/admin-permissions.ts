import { z } from 'zod';
import { uuidSchema } from './common';
import { pageQuerySchema, pageSchema } from './pagination';
import { granteeTypeSchema, resourcePermissionSchema } from './permissions';
import { serviceNameSchema } from './service-apps';

/** Admin API: resource permissions (0.7 contract §2.7 "Permissions") and the purge of a service's resources. */

/**
 * GET /admin/permissions: `resource_id` is a prefix of the id, `owner` a substring of the owner's
 * email (any case; `%`, `_` and `\` match themselves). Ties in the sort are broken by id.
 */
export const adminPermissionsQuerySchema = pageQuerySchema.extend({
  workspace_id: uuidSchema.optional(),
  service_name: serviceNameSchema.optional(),
  resource_id: z.string().max(36).optional(),
  owner: z.string().max(255).optional(),
  sort_by: z.enum(['shares', 'created_at']).default('created_at'),
  sort_order: z.enum(['asc', 'desc']).default('desc'),
});
export type AdminPermissionsQuery = z.infer<typeof adminPermissionsQuerySchema>;

export const adminPermissionItemSchema = resourcePermissionSchema.omit({ shares: true }).extend({
  owner_email: z.string().nullable(),
  share_count: z.number().int().min(0),
});
export type AdminPermissionItem = z.infer<typeof adminPermissionItemSchema>;
export const adminPermissionPageSchema = pageSchema(adminPermissionItemSchema);

/** DELETE /admin/permissions/{id}/share?grantee_type=&grantee_id= (query params, not a body, as 0.7). */
export const adminUnshareQuerySchema = z.object({ grantee_type: granteeTypeSchema, grantee_id: uuidSchema });

/**
 * POST /internal/services/{service_name}/purge (token-service, when a service app is deleted):
 * every resource of the service and its shares go. Idempotent: a retry purges what is left.
 */
export const purgeServiceRequestSchema = z.object({ app_id: uuidSchema, actor_id: uuidSchema.nullable() });
export type PurgeServiceRequest = z.infer<typeof purgeServiceRequestSchema>;
export const purgeServiceResponseSchema = z.object({
  resources: z.number().int().min(0),
  shares: z.number().int().min(0),
  workspaces: z.number().int().min(0),
});
export type PurgeServiceResponse = z.infer<typeof purgeServiceResponseSchema>;
