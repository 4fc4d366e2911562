import type { GroupResponse } from '@sentinel/contracts';
import { recordActivity } from '@sentinel/db';
import { ConflictError, InputError, NotFoundError } from '@sentinel/http';
import type { Actor, WorkspaceContext } from './context';
import { lockActor, lockMembership, lockWorkspace } from './locks';
import { runChange, uniquely, type Tx } from './transaction';
import { toGroup } from './views';

const DUPLICATE = 'A group with this name already exists in this workspace';

export interface GroupInput {
  name?: string;
  description?: string | null;
}

const activityOf = (actor: Actor, groupId: string) => ({
  actorId: actor.userId,
  targetType: 'group',
  targetId: groupId,
  workspaceId: actor.workspaceId,
});

/**
 * Locks for a change to a group: the workspace, the actor's membership (an admin now), then the
 * group, which must be in the actor's workspace (another workspace's group is 404 as well).
 */
async function lockGroup(tx: Tx, actor: Actor, groupId: string) {
  await lockWorkspace(tx, actor.workspaceId);
  await lockActor(tx, actor, 'admin');
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM groups WHERE id = ${groupId}::uuid AND workspace_id = ${actor.workspaceId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Group not found');
}

export async function createGroup(ctx: WorkspaceContext, actor: Actor, input: { name: string; description?: string | null }): Promise<GroupResponse> {
  return uniquely(DUPLICATE, () =>
    ctx.prisma.$transaction(async (tx) => {
      await lockWorkspace(tx, actor.workspaceId);
      await lockActor(tx, actor, 'admin');
      const group = await tx.group.create({
        data: { workspaceId: actor.workspaceId, name: input.name, description: input.description ?? null, createdById: actor.userId },
      });
      await recordActivity(tx, { action: 'group_created', ...activityOf(actor, group.id), detail: { name: group.name } });
      return toGroup(group);
    }),
  );
}

export async function listGroups(ctx: WorkspaceContext, workspaceId: string): Promise<GroupResponse[]> {
  const rows = await ctx.prisma.group.findMany({ where: { workspaceId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map(toGroup);
}

export async function updateGroup(ctx: WorkspaceContext, actor: Actor, groupId: string, input: GroupInput): Promise<GroupResponse> {
  return uniquely(DUPLICATE, () =>
    ctx.prisma.$transaction(async (tx) => {
      await lockGroup(tx, actor, groupId);
      const data = {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.description === undefined ? {} : { description: input.description }),
      };
      const group = await tx.group.update({ where: { id: groupId }, data });
      await recordActivity(tx, { action: 'group_updated', ...activityOf(actor, groupId), detail: { fields: Object.keys(data) } });
      return toGroup(group);
    }),
  );
}

/** DELETE …/groups/{id}: its members lose what was shared with the group, so access is removed. */
export async function deleteGroup(ctx: WorkspaceContext, actor: Actor, groupId: string): Promise<void> {
  await runChange(ctx, actor.userId, async (tx, access) => {
    await lockGroup(tx, actor, groupId);
    const members = await tx.groupMembership.findMany({ where: { groupId }, select: { userId: true } });
    await tx.group.delete({ where: { id: groupId } });
    await recordActivity(tx, { action: 'group_deleted', ...activityOf(actor, groupId), detail: { members: members.length } });
    await access.removeAccess(
      actor.workspaceId,
      members.map((m) => m.userId),
      'group_deleted',
    );
  });
}

export async function listGroupMembers(ctx: WorkspaceContext, actor: Actor, groupId: string) {
  const group = await ctx.prisma.group.findFirst({ where: { id: groupId, workspaceId: actor.workspaceId }, select: { id: true } });
  if (!group) throw new NotFoundError('Group not found');
  const rows = await ctx.prisma.groupMembership.findMany({
    where: { groupId },
    orderBy: [{ addedAt: 'asc' }, { id: 'asc' }],
    select: { addedAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return rows.map((r) => ({ user_id: r.user.id, email: r.user.email, name: r.user.name, added_at: r.addedAt.toISOString() }));
}

/** POST …/groups/{id}/members/{user_id}: the target must be a member of the workspace (else 400). */
export async function addGroupMember(ctx: WorkspaceContext, actor: Actor, groupId: string, userId: string): Promise<void> {
  await uniquely('This user is already in the group', () =>
    ctx.prisma.$transaction(async (tx) => {
      await lockGroup(tx, actor, groupId);
      if (!(await lockMembership(tx, actor.workspaceId, userId))) throw new InputError('The user is not a member of this workspace');
      const existing = await tx.groupMembership.findUnique({ where: { groupId_userId: { groupId, userId } }, select: { id: true } });
      if (existing) throw new ConflictError('This user is already in the group');
      await tx.groupMembership.create({ data: { groupId, userId } });
      await recordActivity(tx, { action: 'group_member_added', ...activityOf(actor, groupId), detail: { user_id: userId } });
    }),
  );
}

/** DELETE …/groups/{id}/members/{user_id}: access removed and the user's sessions revoked (stale `groups` claim). */
export async function removeGroupMember(ctx: WorkspaceContext, actor: Actor, groupId: string, userId: string): Promise<void> {
  await runChange(ctx, actor.userId, async (tx, access) => {
    await lockGroup(tx, actor, groupId);
    const { count } = await tx.groupMembership.deleteMany({ where: { groupId, userId } });
    if (count === 0) throw new NotFoundError('The user is not in this group');
    await recordActivity(tx, { action: 'group_member_removed', ...activityOf(actor, groupId), detail: { user_id: userId } });
    await access.removeAccess(actor.workspaceId, [userId], 'group_member_removed');
  });
}

/** The workspace of a group, for the /admin/groups/{id} routes (404 when there is no such group). */
export async function groupWorkspaceId(ctx: WorkspaceContext, groupId: string): Promise<string> {
  const group = await ctx.prisma.group.findUnique({ where: { id: groupId }, select: { workspaceId: true } });
  if (!group) throw new NotFoundError('Group not found');
  return group.workspaceId;
}
