import type { AdminWorkspace, PageQuery } from '@sentinel/contracts';
import { pageSql, Prisma, searchCondition, toPage } from '@sentinel/db';
import { NotFoundError } from '@sentinel/http';
import type { WorkspaceContext } from './context';

interface AdminWorkspaceSqlRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  created_by: string | null;
  created_at: Date;
  member_count: number;
  group_count: number;
}

const COLUMNS = Prisma.sql`
  w.id, w.slug, w.name, w.description, w.created_by, w.created_at,
  (SELECT count(*)::int FROM workspace_memberships m WHERE m.workspace_id = w.id) AS member_count,
  (SELECT count(*)::int FROM groups g WHERE g.workspace_id = w.id) AS group_count`;

async function selectWorkspaces(ctx: WorkspaceContext, tail: Prisma.Sql): Promise<AdminWorkspace[]> {
  const rows = await ctx.prisma.$queryRaw<AdminWorkspaceSqlRow[]>`SELECT ${COLUMNS} FROM workspaces w ${tail}`;
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() }));
}

/** GET /admin/workspaces: newest first; `search` on name or slug, any case. */
export async function listWorkspacePage(ctx: WorkspaceContext, query: PageQuery & { search?: string }) {
  const where = Prisma.sql`WHERE ${searchCondition(query.search, ['w.name', 'w.slug'])}`;
  const [items, counted] = await Promise.all([
    selectWorkspaces(
      ctx,
      Prisma.sql`${where} ORDER BY w.created_at DESC, w.id ${pageSql(query)}`,
    ),
    ctx.prisma.$queryRaw<Array<{ total: number }>>`SELECT count(*)::int AS total FROM workspaces w ${where}`,
  ]);
  return toPage(query, items, counted[0]?.total ?? 0);
}

/** GET /admin/workspaces/all: every workspace by name, for pickers. */
export async function listAllWorkspaces(ctx: WorkspaceContext) {
  return ctx.prisma.workspace.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, name: true, slug: true } });
}

/** A workspace with its member and group counts (404 when there is none). */
export async function getAdminWorkspace(ctx: WorkspaceContext, workspaceId: string): Promise<AdminWorkspace> {
  const [row] = await selectWorkspaces(ctx, Prisma.sql`WHERE w.id = ${workspaceId}::uuid`);
  if (!row) throw new NotFoundError('Workspace not found');
  return row;
}

/** The `limit` workspaces with the most members (GET /admin/stats). */
export async function topWorkspaces(ctx: WorkspaceContext, limit: number) {
  const rows = await selectWorkspaces(ctx, Prisma.sql`ORDER BY member_count DESC, w.created_at, w.id LIMIT ${limit}::int`);
  return rows.map((w) => ({ id: w.id, name: w.name, slug: w.slug, member_count: w.member_count }));
}
