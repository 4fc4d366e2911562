import type { ActivityFilter, ActivityItem, PageQuery } from '@sentinel/contracts';
import type { Database, Prisma } from '@sentinel/db';
import { pageArgs, recordActivity, toPage } from '@sentinel/db';

/** The most rows any admin export holds; beyond it the export says it is truncated. */
export const EXPORT_MAX_ROWS = 50_000;

/** Newest first; the id breaks ties between entries of the same microsecond, so pages are stable. */
const ORDER = [{ createdAt: 'desc' }, { id: 'desc' }] satisfies Prisma.ActivityLogOrderByWithRelationInput[];

function whereOf(f: ActivityFilter): Prisma.ActivityLogWhereInput {
  return {
    ...(f.action === undefined ? {} : { action: f.action }),
    ...(f.target_type === undefined ? {} : { targetType: f.target_type }),
    ...(f.workspace_id === undefined ? {} : { workspaceId: f.workspace_id }),
    ...(f.actor_id === undefined ? {} : { actorId: f.actor_id }),
    ...(f.from_date || f.to_date
      ? { createdAt: { ...(f.from_date ? { gte: f.from_date } : {}), ...(f.to_date ? { lte: f.to_date } : {}) } }
      : {}),
  };
}

type Row = Prisma.ActivityLogGetPayload<object>;

/** Entries with their actor's current name and email (no foreign key: a deleted actor reads null). */
async function withActors(db: Pick<Database, 'user'>, rows: Row[]): Promise<ActivityItem[]> {
  const ids = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
  const actors = new Map(
    (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } })).map((u) => [u.id, u]),
  );
  return rows.map((r) => {
    const actor = r.actorId ? actors.get(r.actorId) : undefined;
    return {
      id: r.id,
      action: r.action,
      actor_id: r.actorId,
      actor_name: actor?.name ?? null,
      actor_email: actor?.email ?? null,
      target_type: r.targetType,
      target_id: r.targetId,
      workspace_id: r.workspaceId,
      detail: r.detail,
      created_at: r.createdAt.toISOString(),
    };
  });
}

export async function listActivity(prisma: Database, filter: ActivityFilter, page: PageQuery) {
  const where = whereOf(filter);
  const [total, rows] = await Promise.all([
    prisma.activityLog.count({ where }),
    prisma.activityLog.findMany({ where, orderBy: ORDER, ...pageArgs(page) }),
  ]);
  return toPage(page, await withActors(prisma, rows), total);
}

/**
 * The export of the filtered log, newest first, at most EXPORT_MAX_ROWS entries. Read and logged
 * in one transaction: an export that could not be logged is not handed out.
 */
export async function exportActivity(prisma: Database, adminId: string, filter: ActivityFilter, format: 'csv' | 'json') {
  const where = whereOf(filter);
  return prisma.$transaction(async (tx) => {
    const total = await tx.activityLog.count({ where });
    const items = await withActors(tx, await tx.activityLog.findMany({ where, orderBy: ORDER, take: EXPORT_MAX_ROWS }));
    const truncated = total > items.length;
    await recordActivity(tx, {
      action: 'activity_exported',
      actorId: adminId,
      targetType: 'activity_log',
      detail: { format, count: items.length, truncated, filters: JSON.parse(JSON.stringify(filter)) as Prisma.InputJsonObject },
    });
    return { items, total, limit: EXPORT_MAX_ROWS, truncated };
  });
}
