import { bumpAccessRevision, isUniqueViolation, type Prisma } from '@sentinel/db';
import { ConflictError } from '@sentinel/http';
import type { WorkspaceContext } from './context';

export type Tx = Prisma.TransactionClient;

/** What a change that can remove access declares inside its transaction. */
export interface AccessChange {
  /**
   * Bumps the workspace's access revision now (same transaction) and has these users' sessions
   * revoked before the transaction commits.
   */
  removeAccess(workspaceId: string, userIds: string[], reason: string): Promise<void>;
  /**
   * Revokes these users' sessions right now (inside the transaction, before anything that would
   * lock their refresh families, such as a cascading delete), and once more after commit.
   */
  revokeSessionsNow(userIds: string[], reason: string): Promise<void>;
}

// Longer than Prisma's 5 s default: a change may wait for another's row locks and for token-service.
const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

/** Revokes the sessions of every user in `revocations`: one token-service call per reason. */
async function revokeAll(ctx: WorkspaceContext, revocations: Iterable<[string, string]>, actorId: string | null): Promise<void> {
  const byReason = new Map<string, string[]>();
  for (const [userId, reason] of revocations) byReason.set(reason, [...(byReason.get(reason) ?? []), userId]);
  for (const [reason, userIds] of byReason) await ctx.sessions.revoke(userIds, reason, actorId);
}

/**
 * Runs `work` in one transaction. Sessions of the users it names are revoked through
 * token-service before commit: if token-service cannot be reached the whole change rolls back
 * (503) rather than leaving a demoted or removed member with live tokens that still carry the
 * old role. After commit they are revoked once more, closing the window in which a refresh,
 * which cannot see the uncommitted change, could have re-issued a token with the old claims.
 */
export async function runChange<T>(
  ctx: WorkspaceContext,
  actorId: string | null,
  work: (tx: Tx, access: AccessChange) => Promise<T>,
): Promise<T> {
  const revocations = new Map<string, string>();
  const done = new Set<string>();
  const result = await ctx.prisma.$transaction(async (tx) => {
    const access: AccessChange = {
      async removeAccess(workspaceId, userIds, reason) {
        await bumpAccessRevision(tx, workspaceId);
        for (const id of userIds) revocations.set(id, reason);
      },
      async revokeSessionsNow(userIds, reason) {
        await ctx.sessions.revoke(userIds, reason, actorId);
        for (const id of userIds) {
          done.add(id);
          revocations.set(id, reason);
        }
      },
    };
    const value = await work(tx, access);
    await revokeAll(ctx, [...revocations].filter(([userId]) => !done.has(userId)), actorId);
    return value;
  }, TX_OPTIONS);
  try {
    await revokeAll(ctx, revocations, actorId);
  } catch (err) {
    ctx.logger.error({ err, users: revocations.size }, 'second session revocation after commit failed');
  }
  return result;
}

/** Runs `write`, turning a unique-constraint violation into a 409 with `detail`. */
export async function uniquely<T>(detail: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(detail);
    throw err;
  }
}
