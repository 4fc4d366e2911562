import type { MemberResponse } from '@sentinel/contracts';
import { recordActivity, searchCondition } from '@sentinel/db';
import { ConflictError, hasRole, NotAllowedError, NotFoundError, type WorkspaceRole } from '@sentinel/http';
import type { Actor, WorkspaceContext } from './context';
import { lockActor, lockWorkspace } from './locks';
import { runChange, uniquely, type Tx } from './transaction';
import { memberSelect, toMember } from './views';


interface MemberSqlRow {
  user_id: string;
  email: string;
  name: string;
  avatar_url: string | null;
  role: WorkspaceRole;
  joined_at: Date;
}

/** GET /workspaces/{id}/members?q=&limit=: email or name containing `q` (any case), oldest first. */
export async function listMembers(ctx: WorkspaceContext, workspaceId: string, query: { q?: string; limit?: number }): Promise<MemberResponse[]> {
  const rows = await ctx.prisma.$queryRaw<MemberSqlRow[]>`
    SELECT u.id AS user_id, u.email, u.name, u.avatar_url, m.role, m.joined_at
    FROM workspace_memberships m JOIN users u ON u.id = m.user_id
    WHERE m.workspace_id = ${workspaceId}::uuid
      AND ${searchCondition(query.q, ['u.email', 'u.name'])}
    ORDER BY m.joined_at, u.id
    LIMIT ${query.limit ?? null}::int`;
  return rows.map((r) => ({ ...r, joined_at: r.joined_at.toISOString() }));
}

interface LockedMember {
  user_id: string;
  role: WorkspaceRole;
}

/**
 * Locks (FOR UPDATE, in id order) the workspace's owner memberships and those of the actor and
 * the target, so that two changes touching owners run one after the other: the second sees the
 * first's result and the last-owner rule holds even when two owners demote each other at once.
 */
async function lockMembers(tx: Tx, actor: Actor, targetId: string) {
  await lockWorkspace(tx, actor.workspaceId);
  const rows = await tx.$queryRaw<LockedMember[]>`
    SELECT user_id, role FROM workspace_memberships
    WHERE workspace_id = ${actor.workspaceId}::uuid AND (role = 'owner' OR user_id IN (${actor.userId}::uuid, ${targetId}::uuid))
    ORDER BY id FOR UPDATE`;
  const target = rows.find((r) => r.user_id === targetId);
  if (!target) throw new NotFoundError('Member not found');
  const owners = rows.filter((r) => r.role === 'owner').length;
  const actorRole = actor.admin ? 'owner' : rows.find((r) => r.user_id === actor.userId)?.role;
  return { target, owners, actorRole };
}

/**
 * Only an owner grants, changes or removes `owner`. Checked with the token's role before any
 * lock, and again with the actor's current role once the memberships are locked (after the
 * last-owner rule, so that of two owners demoting each other the loser hears 409).
 */
function checkAuthority(actorRole: WorkspaceRole | undefined, targetRole: WorkspaceRole | undefined, newRole?: WorkspaceRole) {
  if (!actorRole || !hasRole(actorRole, 'admin')) throw new NotAllowedError('Requires role admin or higher');
  if ((targetRole === 'owner' || newRole === 'owner') && actorRole !== 'owner') {
    throw new NotAllowedError('Only an owner can grant, change or remove the owner role');
  }
}

/** The target's role before any lock (for the token-level authority check). */
async function currentRole(ctx: WorkspaceContext, workspaceId: string, userId: string): Promise<WorkspaceRole | undefined> {
  const row = await ctx.prisma.workspaceMembership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { role: true } });
  return row?.role as WorkspaceRole | undefined;
}

/** PATCH /workspaces/{id}/members/{user_id}: the member's sessions are revoked. */
export async function changeRole(ctx: WorkspaceContext, actor: Actor, targetId: string, role: WorkspaceRole): Promise<MemberResponse> {
  checkAuthority(actor.role, await currentRole(ctx, actor.workspaceId, targetId), role);
  return runChange(ctx, actor.userId, async (tx, access) => {
    const { target, owners, actorRole } = await lockMembers(tx, actor, targetId);
    if (target.role === 'owner' && role !== 'owner' && owners <= 1) throw new ConflictError('The last owner cannot be demoted');
    checkAuthority(actorRole, target.role, role);
    const where = { workspaceId_userId: { workspaceId: actor.workspaceId, userId: targetId } };
    const row = await tx.workspaceMembership.update({ where, data: { role }, select: memberSelect });
    if (target.role !== role) {
      await recordActivity(tx, {
        action: 'member_role_changed',
        actorId: actor.userId,
        targetType: 'user',
        targetId,
        workspaceId: actor.workspaceId,
        detail: { from: target.role, to: role },
      });
      await access.removeAccess(actor.workspaceId, [targetId], 'member_role_changed');
    }
    return toMember(row);
  });
}

/** DELETE /workspaces/{id}/members/{user_id}: also leaves the workspace's groups; sessions revoked. */
export async function removeMember(ctx: WorkspaceContext, actor: Actor, targetId: string): Promise<void> {
  checkAuthority(actor.role, await currentRole(ctx, actor.workspaceId, targetId));
  await runChange(ctx, actor.userId, async (tx, access) => {
    const { target, owners, actorRole } = await lockMembers(tx, actor, targetId);
    if (target.role === 'owner' && owners <= 1) throw new ConflictError('The last owner cannot be removed');
    checkAuthority(actorRole, target.role);
    await tx.groupMembership.deleteMany({ where: { userId: targetId, group: { workspaceId: actor.workspaceId } } });
    await tx.workspaceMembership.delete({ where: { workspaceId_userId: { workspaceId: actor.workspaceId, userId: targetId } } });
    await recordActivity(tx, {
      action: 'member_removed',
      actorId: actor.userId,
      targetType: 'user',
      targetId,
      workspaceId: actor.workspaceId,
      detail: { role: target.role },
    });
    await access.removeAccess(actor.workspaceId, [targetId], 'member_removed');
  });
}

/**
 * Makes an existing user a member, inside a transaction that already locked the workspace and
 * the actor: 409 when they already are one. The caller records the activity.
 */
export async function insertMember(tx: Tx, workspaceId: string, userId: string, role: WorkspaceRole): Promise<MemberResponse> {
  const existing = await tx.workspaceMembership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { id: true } });
  if (existing) throw new ConflictError('This user is already a member');
  return toMember(await tx.workspaceMembership.create({ data: { workspaceId, userId, role }, select: memberSelect }));
}

/** POST /admin/users/{id}/workspaces: adds a user by id (unknown workspace or user 404, a member already 409). */
export async function addMember(ctx: WorkspaceContext, actor: Actor, userId: string, role: WorkspaceRole): Promise<MemberResponse> {
  if (role === 'owner' && actor.role !== 'owner') throw new NotAllowedError('Only an owner can grant the owner role');
  return uniquely('This user is already a member', () =>
    ctx.prisma.$transaction(async (tx) => {
      await lockWorkspace(tx, actor.workspaceId);
      if ((await lockActor(tx, actor, 'admin')) !== 'owner' && role === 'owner') throw new NotAllowedError('Only an owner can grant the owner role');
      if (!(await tx.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw new NotFoundError('User not found');
      const member = await insertMember(tx, actor.workspaceId, userId, role);
      await recordActivity(tx, {
        action: 'member_added',
        actorId: actor.userId,
        targetType: 'user',
        targetId: userId,
        workspaceId: actor.workspaceId,
        detail: { role },
      });
      return member;
    }),
  );
}
