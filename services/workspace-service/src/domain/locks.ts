import { hasRole, NotAllowedError, NotFoundError, type WorkspaceRole } from '@sentinel/http';
import type { Actor } from './context';
import type { Tx } from './transaction';

/**
 * Row locks, always taken in this order: the workspace, then memberships, then groups. Every
 * change inside a workspace starts with lockWorkspace (FOR KEY SHARE: changes run side by side,
 * but a workspace deletion, FOR UPDATE, waits for them or they for it), so a deletion cascading
 * through memberships and groups can never deadlock with a change holding one of them.
 */
export async function lockWorkspace(tx: Tx, workspaceId: string): Promise<void> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM workspaces WHERE id = ${workspaceId}::uuid FOR KEY SHARE`;
  if (rows.length === 0) throw new NotFoundError('Workspace not found');
}

/**
 * The actor's current role, held FOR SHARE until the transaction ends: a token issued before a
 * demotion or removal (revoked, but possibly in flight) acts with the role the member has now.
 */
export async function lockActor(tx: Tx, actor: Actor, minimum: WorkspaceRole): Promise<WorkspaceRole> {
  if (actor.admin) return 'owner';
  const rows = await tx.$queryRaw<Array<{ role: WorkspaceRole }>>`
    SELECT role FROM workspace_memberships
    WHERE workspace_id = ${actor.workspaceId}::uuid AND user_id = ${actor.userId}::uuid FOR SHARE`;
  const role = rows[0]?.role;
  if (!role || !hasRole(role, minimum)) throw new NotAllowedError(`Requires role ${minimum} or higher`);
  return role;
}

/**
 * Whether `userId` belongs to the workspace, holding their membership FOR SHARE until the
 * transaction ends, so a concurrent removal (which locks it FOR UPDATE) runs before or after.
 */
export async function lockMembership(tx: Tx, workspaceId: string, userId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM workspace_memberships WHERE workspace_id = ${workspaceId}::uuid AND user_id = ${userId}::uuid FOR SHARE`;
  return rows.length > 0;
}
