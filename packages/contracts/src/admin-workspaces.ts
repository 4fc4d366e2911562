import { z } from 'zod';
import { uuidSchema } from './common';
import { pageQuerySchema, pageSchema } from './pagination';
import { workspaceSchema } from './workspaces';

/**
 * Admin API: workspaces (0.7 contract §2.7 "Workspaces"). Requests reuse the workspace routes'
 * schemas (createWorkspaceRequestSchema, inviteMemberRequestSchema, createGroupRequestSchema, …).
 */

/** GET /admin/workspaces: `search` matches name or slug, any case, wildcards escaped. */
export const adminWorkspaceSearchQuerySchema = pageQuerySchema.extend({ search: z.string().max(255).optional() });

export const adminWorkspaceSchema = workspaceSchema.extend({
  member_count: z.number().int().min(0),
  group_count: z.number().int().min(0),
});
export type AdminWorkspace = z.infer<typeof adminWorkspaceSchema>;
export const adminWorkspacePageSchema = pageSchema(adminWorkspaceSchema);

/** GET /admin/workspaces/all: every workspace, for pickers. */
export const workspaceSummaryListSchema = z.array(z.object({ id: uuidSchema, name: z.string(), slug: z.string() }));
