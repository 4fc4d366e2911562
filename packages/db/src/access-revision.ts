import type { Prisma, PrismaClient } from './generated/prisma/client';

/** A client or an interactive transaction: bump in the same transaction as the change. */
export type RevisionWriter = Pick<PrismaClient | Prisma.TransactionClient, '$executeRaw'>;

/**
 * Bumps the access revision of these workspaces. Every change that can remove access (and the
 * grants whose effect must show on the next check) does it in its own transaction: permission-
 * service's check cache keys on the revision, so it never serves an allow the change revoked. Unknown ids are ignored; returns how many workspaces were bumped.
 */
export async function bumpAccessRevision(db: RevisionWriter, workspaceIds: string | readonly string[]): Promise<number> {
  const ids = typeof workspaceIds === 'string' ? [workspaceIds] : [...workspaceIds];
  if (ids.length === 0) return 0;
  return db.$executeRaw`UPDATE workspaces SET access_revision = access_revision + 1 WHERE id = ANY(${ids}::uuid[])`;
}
