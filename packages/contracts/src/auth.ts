import { z } from 'zod';
import { uuidSchema, workspaceRoleSchema } from './common';

/** GET /auth/me: the verified identity as the gateway forwarded it. */
export const meResponseSchema = z.object({
  user_id: uuidSchema,
  email: z.string(),
  name: z.string(),
  workspace_id: uuidSchema,
  workspace_slug: z.string(),
  workspace_role: workspaceRoleSchema,
  groups: z.array(uuidSchema),
});
export type MeResponse = z.infer<typeof meResponseSchema>;
