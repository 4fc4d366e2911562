import { roleAtLeast, type CreateWorkspaceRequest, type UpdateWorkspaceRequest, type WorkspaceResponse } from '@sentinel/contracts';
import { createWorkspaceWithOwner, recordActivity } from '@sentinel/db';
import { NotAllowedError, NotFoundError } from '@sentinel/http';
import type { Actor, WorkspaceContext } from './context';
import { lockActor, lockWorkspace } from './locks';
import { runChange, uniquely } from './transaction';
import { toWorkspace } from './views';

/** POST /workspaces: the caller becomes its owner. A taken slug is 409, also under a race. */
export async function createWorkspace(ctx: WorkspaceContext, userId: string, input: CreateWorkspaceRequest): Promise<WorkspaceResponse> {
  return uniquely('A workspace with this slug already exists', () =>
    ctx.prisma.$transaction(async (tx) => {
      if (!(await tx.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw new NotFoundError('User not found');
      const workspace = await createWorkspaceWithOwner(
        tx,
        { slug: input.slug, name: input.name, description: input.description ?? null, ownerId: userId },
        { name: input.name },
      );
      return toWorkspace(workspace);
    }),
  );
}

/** GET /workspaces: every workspace the caller belongs to, oldest first. */
export async function listWorkspaces(ctx: WorkspaceContext, userId: string): Promise<WorkspaceResponse[]> {
  const rows = await ctx.prisma.workspace.findMany({
    where: { memberships: { some: { userId } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(toWorkspace);
}

export async function getWorkspace(ctx: WorkspaceContext, workspaceId: string): Promise<WorkspaceResponse> {
  const row = await ctx.prisma.workspace.findUnique({ where: { id: workspaceId } });
  if (!row) throw new NotFoundError('Workspace not found');
  return toWorkspace(row);
}

export async function updateWorkspace(ctx: WorkspaceContext, actor: Actor, input: UpdateWorkspaceRequest): Promise<WorkspaceResponse> {
  return ctx.prisma.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    await lockActor(tx, actor, 'admin');
    const data = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.description === undefined ? {} : { description: input.description }),
    };
    const row = await tx.workspace.update({ where: { id: actor.workspaceId }, data });
    await recordActivity(tx, {
      action: 'workspace_updated',
      actorId: actor.userId,
      targetType: 'workspace',
      targetId: row.id,
      workspaceId: row.id,
      detail: { fields: Object.keys(data) },
    });
    return toWorkspace(row);
  });
}

/**
 * DELETE /workspaces/{id} [owner]: cascades to memberships, invitations, groups, resources and
 * refresh families. Every member's sessions are revoked before commit — afterwards token-service
 * could no longer find the access tokens issued for this workspace, as their rows cascade away.
 * Locking the row first blocks new logins into the workspace until the delete commits.
 */
export async function deleteWorkspace(ctx: WorkspaceContext, actor: Actor): Promise<void> {
  await runChange(ctx, actor.userId, async (tx, access) => {
    const locked = await tx.$queryRaw<Array<{ id: string; slug: string }>>`
      SELECT id, slug FROM workspaces WHERE id = ${actor.workspaceId}::uuid FOR UPDATE`;
    const workspace = locked[0];
    if (!workspace) throw new NotFoundError('Workspace not found');
    const members = await tx.workspaceMembership.findMany({ where: { workspaceId: workspace.id }, select: { userId: true, role: true } });
    if (!actor.admin && !members.some((m) => m.userId === actor.userId && roleAtLeast(m.role, 'owner'))) throw new NotAllowedError('Requires role owner or higher');
    await recordActivity(tx, {
      action: 'workspace_deleted',
      actorId: actor.userId,
      targetType: 'workspace',
      targetId: workspace.id,
      workspaceId: workspace.id,
      detail: { slug: workspace.slug, members: members.length },
    });
    await access.revokeSessionsNow(
      members.map((m) => m.userId),
      'workspace_deleted',
    );
    await tx.workspace.delete({ where: { id: workspace.id } });
  });
}
