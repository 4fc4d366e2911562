import { currentUser, NotAllowedError, requireRole, type WorkspaceRole } from '@sentinel/http';
import type { Request } from 'express';
import type { Actor } from '../domain/context';

/**
 * The caller of a `/workspaces/{workspaceId}/…` route: the path's workspace must be the token's
 * `wid` (403 otherwise, before anything is looked up) and the token's role at least `minimum`.
 */
export function workspaceActor(req: Request<{ workspaceId: string }>, minimum: WorkspaceRole = 'viewer'): Actor {
  const user = currentUser(req);
  if (req.params.workspaceId !== user.workspace_id) throw new NotAllowedError('Not a member of this workspace');
  requireRole(req, minimum);
  return { userId: user.user_id, workspaceId: user.workspace_id, role: user.workspace_role };
}
