import type { AdminUpdateUserRequest, AdminUser, AdminUserDetail, PageQuery } from '@sentinel/contracts';
import { pageSql, Prisma, recordActivity, searchCondition, toPage } from '@sentinel/db';
import { NotFoundError, type WorkspaceRole } from '@sentinel/http';
import type { WorkspaceContext } from './context';
import { runChange } from './transaction';

interface AdminUserSqlRow {
  id: string;
  email: string;
  name: string;
  avatar_url: string | null;
  is_active: boolean;
  is_admin: boolean;
  created_at: Date;
  workspace_count: number;
}

/** Users as the admin lists show them, with how many workspaces each belongs to. */
export const ADMIN_USER_COLUMNS = Prisma.sql`
  u.id, u.email, u.name, u.avatar_url, u.is_active, u.is_admin, u.created_at,
  (SELECT count(*)::int FROM workspace_memberships m WHERE m.user_id = u.id) AS workspace_count`;

export const toAdminUser = (r: AdminUserSqlRow): AdminUser => ({ ...r, created_at: r.created_at.toISOString() });

export async function selectAdminUsers(ctx: WorkspaceContext, tail: Prisma.Sql): Promise<AdminUser[]> {
  const rows = await ctx.prisma.$queryRaw<AdminUserSqlRow[]>`SELECT ${ADMIN_USER_COLUMNS} FROM users u ${tail}`;
  return rows.map(toAdminUser);
}


/** GET /admin/users: newest first; `search` on email or name, any case. */
export async function listUsers(ctx: WorkspaceContext, query: PageQuery & { search?: string }) {
  const where = Prisma.sql`WHERE ${searchCondition(query.search, ['u.email', 'u.name'])}`;
  const [items, counted] = await Promise.all([
    selectAdminUsers(
      ctx,
      Prisma.sql`${where} ORDER BY u.created_at DESC, u.id ${pageSql(query)}`,
    ),
    ctx.prisma.$queryRaw<Array<{ total: number }>>`SELECT count(*)::int AS total FROM users u ${where}`,
  ]);
  return toPage(query, items, counted[0]?.total ?? 0);
}

/** GET /admin/users/{id}: the profile, linked accounts (ids only, never provider tokens) and memberships. */
export async function getUser(ctx: WorkspaceContext, userId: string): Promise<AdminUserDetail> {
  const [user] = await selectAdminUsers(ctx, Prisma.sql`WHERE u.id = ${userId}::uuid`);
  if (!user) throw new NotFoundError('User not found');
  const [accounts, memberships] = await Promise.all([
    ctx.prisma.socialAccount.findMany({ where: { userId }, orderBy: { createdAt: 'asc' }, select: { id: true, provider: true, providerUserId: true } }),
    ctx.prisma.workspaceMembership.findMany({
      where: { userId },
      orderBy: [{ joinedAt: 'asc' }, { id: 'asc' }],
      select: { role: true, joinedAt: true, workspace: { select: { id: true, name: true, slug: true } } },
    }),
  ]);
  return {
    ...user,
    social_accounts: accounts.map((a) => ({ id: a.id, provider: a.provider, provider_user_id: a.providerUserId })),
    memberships: memberships.map((m) => ({
      workspace_id: m.workspace.id,
      workspace_name: m.workspace.name,
      workspace_slug: m.workspace.slug,
      role: m.role as WorkspaceRole,
      joined_at: m.joinedAt.toISOString(),
    })),
  };
}

interface LockedUser {
  id: string;
  name: string;
  is_active: boolean;
  is_admin: boolean;
}

/**
 * FOR NO KEY UPDATE, not FOR UPDATE: token-service, revoking the user's sessions while this
 * transaction is open, writes rows referencing the user (FOR KEY SHARE), which must not wait.
 */
async function lockUsers(tx: Prisma.TransactionClient, ids: string[]): Promise<LockedUser[]> {
  return tx.$queryRaw<LockedUser[]>`
    SELECT id, name, is_active, is_admin FROM users WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
}

/**
 * PATCH /admin/users/{id}. Deactivating a user, or taking their admin flag away, revokes all
 * their sessions before commit: if token-service cannot be reached nothing changes (503).
 * Inactive users are refused at login (auth-service) and at token issue (token-service).
 */
export async function updateUser(ctx: WorkspaceContext, adminId: string, userId: string, input: AdminUpdateUserRequest): Promise<AdminUserDetail> {
  await runChange(ctx, adminId, async (tx, access) => {
    const [before] = await lockUsers(tx, [userId]);
    if (!before) throw new NotFoundError('User not found');
    const changes: Record<string, { from: string | boolean; to: string | boolean }> = {};
    if (input.name !== undefined && input.name !== before.name) changes.name = { from: before.name, to: input.name };
    if (input.is_active !== undefined && input.is_active !== before.is_active) changes.is_active = { from: before.is_active, to: input.is_active };
    if (input.is_admin !== undefined && input.is_admin !== before.is_admin) changes.is_admin = { from: before.is_admin, to: input.is_admin };
    if (Object.keys(changes).length === 0) return;
    await tx.user.update({
      where: { id: userId },
      data: {
        ...(changes.name ? { name: input.name } : {}),
        ...(changes.is_active ? { isActive: input.is_active } : {}),
        ...(changes.is_admin ? { isAdmin: input.is_admin } : {}),
      },
      select: { id: true },
    });
    await recordActivity(tx, { action: 'user_updated', actorId: adminId, targetType: 'user', targetId: userId, detail: { changes } });
    if (changes.is_active && !input.is_active) await access.revokeSessionsNow([userId], 'user_deactivated');
    else if (changes.is_admin && !input.is_admin) await access.revokeSessionsNow([userId], 'admin_removed');
  });
  return getUser(ctx, userId);
}

/**
 * POST /admin/users/bulk-status: all listed users change together or none do (unknown ids are
 * skipped; `affected` counts the users found). Deactivated users' sessions are revoked before commit.
 */
export async function bulkStatus(ctx: WorkspaceContext, adminId: string, userIds: string[], isActive: boolean): Promise<number> {
  return runChange(ctx, adminId, async (tx, access) => {
    const users = await lockUsers(tx, [...new Set(userIds)]);
    const changed = users.filter((u) => u.is_active !== isActive);
    if (changed.length === 0) return users.length;
    await tx.user.updateMany({ where: { id: { in: changed.map((u) => u.id) } }, data: { isActive } });
    for (const u of changed) {
      await recordActivity(tx, {
        action: 'user_updated',
        actorId: adminId,
        targetType: 'user',
        targetId: u.id,
        detail: { changes: { is_active: { from: u.is_active, to: isActive } }, bulk: true },
      });
    }
    if (!isActive) {
      await access.revokeSessionsNow(changed.map((u) => u.id), 'user_deactivated');
    }
    return users.length;
  });
}

/**
 * POST /admin/users/{id}/revoke-tokens: token-service ends every session and logs it (actor: the
 * admin) in its own transaction. Resolves to the number of sessions ended.
 */
export async function revokeTokens(ctx: WorkspaceContext, adminId: string, userId: string): Promise<number> {
  if (!(await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw new NotFoundError('User not found');
  return ctx.sessions.revoke([userId], 'admin_revoked', adminId);
}
