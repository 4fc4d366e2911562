import type { AdminStats } from '@sentinel/contracts';
import { Prisma } from '@sentinel/db';
import { selectAdminUsers } from './admin-users';
import { topWorkspaces } from './admin-workspaces';
import type { WorkspaceContext } from './context';

interface Counts {
  total_users: number;
  active_users: number;
  total_workspaces: number;
  total_groups: number;
  total_resources: number;
}

/** GET /admin/stats: totals, the five newest users and the five largest workspaces. */
export async function getStats(ctx: WorkspaceContext): Promise<AdminStats> {
  const [counts, recent, top] = await Promise.all([
    ctx.prisma.$queryRaw<Counts[]>`
      SELECT (SELECT count(*)::int FROM users) AS total_users,
             (SELECT count(*)::int FROM users WHERE is_active) AS active_users,
             (SELECT count(*)::int FROM workspaces) AS total_workspaces,
             (SELECT count(*)::int FROM groups) AS total_groups,
             (SELECT count(*)::int FROM resource_permissions) AS total_resources`,
    selectAdminUsers(ctx, Prisma.sql`ORDER BY u.created_at DESC, u.id LIMIT 5`),
    topWorkspaces(ctx, 5),
  ]);
  const c = counts[0]!;
  return { ...c, inactive_users: c.total_users - c.active_users, recent_users: recent, top_workspaces: top };
}
