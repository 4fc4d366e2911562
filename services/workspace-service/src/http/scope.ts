import { uuidSchema } from '@sentinel/contracts';
import { currentUser, NotAllowedError, requireRole, type WorkspaceRole } from '@sentinel/http';
import type { Request } from 'express';
import type { Actor } from '../domain/context';

/**
 * The caller of a `/workspaces/{workspaceId}/…` route: the path's workspace must be the token's
 * `wid` (403 otherwise, before anything is looked up) and the token's role at least `minimum`.
 * The id is read through the shared UUID schema, so its case does not matter.
 */
export function workspaceActor(req: Request<{ workspaceId: string }>, minimum: WorkspaceRole = 'viewer'): Actor {
  const user = currentUser(req);
  const workspaceId = uuidSchema.safeParse(req.params.workspaceId);
  if (!workspaceId.success || workspaceId.data !== user.workspace_id) throw new NotAllowedError('Not a member of this workspace');
  requireRole(req, minimum);
  return { userId: user.user_id, workspaceId: user.workspace_id, role: user.workspace_role };
}
