import type { Prisma, PrismaClient } from './generated/prisma/client';

/** A client or an interactive transaction: write the entry in the same transaction as the change. */
export type ActivityWriter = Pick<PrismaClient | Prisma.TransactionClient, 'activityLog'>;

export interface ActivityEntry {
  action: string;
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  workspaceId?: string | null;
  detail?: Prisma.InputJsonValue;
}

const toRow = (entry: ActivityEntry) => ({
  action: entry.action,
  actorId: entry.actorId ?? null,
  targetType: entry.targetType ?? null,
  targetId: entry.targetId ?? null,
  workspaceId: entry.workspaceId ?? null,
  ...(entry.detail === undefined ? {} : { detail: entry.detail }),
});

/**
 * Appends one entry to the activity log. The log is append-only (database triggers reject UPDATE,
 * DELETE and TRUNCATE); the chain sequencer links entries after they commit.
 */
export async function recordActivity(db: ActivityWriter, entry: ActivityEntry): Promise<string> {
  const row = await db.activityLog.create({ data: toRow(entry), select: { id: true } });
  return row.id;
}

export interface NewWorkspace {
  slug: string;
  name: string;
  description?: string | null;
  /** The creator: becomes the workspace's owner and the entry's actor. */
  ownerId: string;
}

/**
 * Creates a workspace with its creator as owner and logs `workspace_created`, in the caller's
 * transaction: whoever creates a workspace (a user, or a first login's personal one), the three
 * happen together. The entry's detail is `{slug, ...detail}`.
 */
export async function createWorkspaceWithOwner(
  tx: Pick<Prisma.TransactionClient, 'workspace' | 'activityLog'>,
  input: NewWorkspace,
  detail: Record<string, Prisma.InputJsonValue> = {},
) {
  const workspace = await tx.workspace.create({
    data: {
      slug: input.slug,
      name: input.name,
      description: input.description ?? null,
      createdById: input.ownerId,
      memberships: { create: { userId: input.ownerId, role: 'owner' } },
    },
  });
  await recordActivity(tx, {
    action: 'workspace_created',
    actorId: input.ownerId,
    targetType: 'workspace',
    targetId: workspace.id,
    workspaceId: workspace.id,
    detail: { slug: workspace.slug, ...detail },
  });
  return workspace;
}

/** Appends many entries in one statement (a bulk change logs each thing it did, not only a summary). */
export async function recordActivities(db: ActivityWriter, entries: ActivityEntry[]): Promise<void> {
  if (entries.length > 0) await db.activityLog.createMany({ data: entries.map(toRow) });
}
