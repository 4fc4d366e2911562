import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';
import { serviceNameSchema } from './service-apps';

/**
 * Resource permissions (`/permissions/*`). Shapes follow Sentinel Auth 0.7's
 * `ResourcePermissionResponse`, `ShareRequest`, check and accessible bodies; (+) marks additions.
 */

/** `resource_type`: the same pattern and length as `service_name`. */
export const resourceTypeSchema = serviceNameSchema;
export const visibilitySchema = z.enum(['private', 'workspace']);
export const permissionActionSchema = z.enum(['view', 'edit']);
export const granteeTypeSchema = z.enum(['user', 'group']);
export type Visibility = z.infer<typeof visibilitySchema>;
export type PermissionAction = z.infer<typeof permissionActionSchema>;
export type GranteeType = z.infer<typeof granteeTypeSchema>;

/** POST /permissions/register */
export const registerResourceRequestSchema = z.object({
  service_name: serviceNameSchema,
  resource_type: resourceTypeSchema,
  resource_id: uuidSchema,
  workspace_id: uuidSchema,
  owner_id: uuidSchema,
  visibility: visibilitySchema.default('workspace'),
});
export type RegisterResourceRequest = z.infer<typeof registerResourceRequestSchema>;

export const resourceShareSchema = z.object({
  id: uuidSchema,
  grantee_type: granteeTypeSchema,
  grantee_id: uuidSchema,
  permission: permissionActionSchema,
  granted_by: uuidSchema.nullable(),
  granted_at: isoDateTimeSchema,
});

/** A registered resource with its shares (register, visibility, the ACL). */
export const resourcePermissionSchema = z.object({
  id: uuidSchema,
  service_name: z.string(),
  resource_type: z.string(),
  resource_id: uuidSchema,
  workspace_id: uuidSchema,
  owner_id: uuidSchema.nullable(),
  visibility: visibilitySchema,
  created_at: isoDateTimeSchema,
  shares: z.array(resourceShareSchema),
});
export type ResourcePermissionBody = z.infer<typeof resourcePermissionSchema>;

/** One question of POST /permissions/check. */
export const permissionCheckSchema = z.object({
  service_name: serviceNameSchema,
  resource_type: resourceTypeSchema,
  resource_id: uuidSchema,
  action: permissionActionSchema,
});
export type PermissionCheck = z.infer<typeof permissionCheckSchema>;

export const MAX_CHECKS_PER_REQUEST = 100;

/** POST /permissions/check: 1..100 questions, answered in request order. */
export const checkPermissionsRequestSchema = z.object({
  checks: z.array(permissionCheckSchema).min(1).max(MAX_CHECKS_PER_REQUEST),
});
export const checkPermissionsResponseSchema = z.object({
  results: z.array(permissionCheckSchema.extend({ allowed: z.boolean() })),
});

/** POST /permissions/accessible; (+) `cursor` continues a page. */
export const accessibleRequestSchema = z.object({
  service_name: serviceNameSchema,
  resource_type: resourceTypeSchema,
  action: permissionActionSchema,
  workspace_id: uuidSchema,
  limit: z.number().int().min(1).max(10_000).optional(),
  cursor: z.string().min(1).max(512).optional(),
});
export type AccessibleRequest = z.infer<typeof accessibleRequestSchema>;

/** (+) `complete` says whether the list is whole; when it is not, `next_cursor` continues it. */
export const accessibleResponseSchema = z.object({
  resource_ids: z.array(uuidSchema),
  has_full_access: z.boolean(),
  complete: z.boolean(),
  next_cursor: z.string().optional(),
});
export type AccessibleResponse = z.infer<typeof accessibleResponseSchema>;

/** POST /permissions/{id}/share */
export const shareRequestSchema = z.object({
  grantee_type: granteeTypeSchema,
  grantee_id: uuidSchema,
  permission: permissionActionSchema,
});
export type ShareRequest = z.infer<typeof shareRequestSchema>;

/** DELETE /permissions/{id}/share: 0.7 sent the whole ShareRequest; `permission` is ignored. */
export const unshareRequestSchema = z.object({
  grantee_type: granteeTypeSchema,
  grantee_id: uuidSchema,
  permission: permissionActionSchema.optional(),
});
export type UnshareRequest = z.infer<typeof unshareRequestSchema>;

/** PATCH /permissions/{id}/visibility */
export const visibilityRequestSchema = z.object({ visibility: visibilitySchema });

/** Share and unshare answer `{"status":"ok"}`. */
export const shareStatusSchema = z.object({ status: z.literal('ok') });

/**
 * (+) GET /permissions/resource/{svc}/{type}/{rid}/enriched: the ACL with the owner's and each
 * grantee's name (and email for users); null where the user or group no longer exists.
 */
export const enrichedResourcePermissionSchema = resourcePermissionSchema.extend({
  owner_name: z.string().nullable(),
  owner_email: z.string().nullable(),
  shares: z.array(resourceShareSchema.extend({ grantee_name: z.string().nullable(), grantee_email: z.string().nullable() })),
});
export type EnrichedResourcePermissionBody = z.infer<typeof enrichedResourcePermissionSchema>;
