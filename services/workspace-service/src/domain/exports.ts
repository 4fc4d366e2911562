import { recordActivity, type Database } from '@sentinel/db';
import type { CsvValue } from '../csv';
import { EXPORT_MAX_ROWS } from './activity-log';

export const USER_EXPORT_COLUMNS = ['id', 'email', 'name', 'is_active', 'is_admin', 'created_at', 'workspace_count'] as const;
export const WORKSPACE_EXPORT_COLUMNS = ['id', 'slug', 'name', 'description', 'created_by', 'created_at', 'member_count'] as const;

export interface Export<K extends string> {
  rows: Array<Record<K, CsvValue>>;
  total: number;
  truncated: boolean;
}

const ORDER = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

/** GET /admin/export/users: oldest first, at most EXPORT_MAX_ROWS; read and logged in one transaction. */
export async function exportUsers(prisma: Database, adminId: string): Promise<Export<(typeof USER_EXPORT_COLUMNS)[number]>> {
  return prisma.$transaction(async (tx) => {
    const total = await tx.user.count();
    const users = await tx.user.findMany({
      orderBy: ORDER,
      take: EXPORT_MAX_ROWS,
      select: { id: true, email: true, name: true, isActive: true, isAdmin: true, createdAt: true, _count: { select: { memberships: true } } },
    });
    await recordActivity(tx, {
      action: 'users_exported',
      actorId: adminId,
      targetType: 'user',
      detail: { count: users.length, truncated: total > users.length },
    });
    const rows = users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      is_active: u.isActive,
      is_admin: u.isAdmin,
      created_at: u.createdAt,
      workspace_count: u._count.memberships,
    }));
    return { rows, total, truncated: total > rows.length };
  });
}

/** GET /admin/export/workspaces: oldest first, at most EXPORT_MAX_ROWS; read and logged in one transaction. */
export async function exportWorkspaces(prisma: Database, adminId: string): Promise<Export<(typeof WORKSPACE_EXPORT_COLUMNS)[number]>> {
  return prisma.$transaction(async (tx) => {
    const total = await tx.workspace.count();
    const workspaces = await tx.workspace.findMany({
      orderBy: ORDER,
      take: EXPORT_MAX_ROWS,
      select: {
        id: true,
        slug: true,
        name: true,
        description: true,
        createdById: true,
        createdAt: true,
        _count: { select: { memberships: true } },
      },
    });
    await recordActivity(tx, {
      action: 'workspaces_exported',
      actorId: adminId,
      targetType: 'workspace',
      detail: { count: workspaces.length, truncated: total > workspaces.length },
    });
    const rows = workspaces.map((w) => ({
      id: w.id,
      slug: w.slug,
      name: w.name,
      description: w.description,
      created_by: w.createdById,
      created_at: w.createdAt,
      member_count: w._count.memberships,
    }));
    return { rows, total, truncated: total > rows.length };
  });
}
