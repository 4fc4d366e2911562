import { recordRevocations, type Revocation } from '@sentinel/denylist';
import { Prisma, recordActivity, type ActivityEntry } from '@sentinel/db';
import type { TokenContext } from './context';

type FamilyFilter = { userId: string } | { userIds: string[] } | { clientAppId: string } | { familyId: string };

function whereFamilies(filter: FamilyFilter): Prisma.Sql {
  if ('userId' in filter) return Prisma.sql`user_id = ${filter.userId}::uuid`;
  if ('userIds' in filter) return Prisma.sql`user_id = ANY(${filter.userIds}::uuid[])`;
  if ('clientAppId' in filter) return Prisma.sql`client_app_id = ${filter.clientAppId}::uuid`;
  return Prisma.sql`id = ${filter.familyId}::uuid`;
}

export interface RevokeResult {
  families: number;
  accessTokens: number;
}

/**
 * Revokes every live refresh family matching the filter and denylists the live access tokens
 * issued in them, in one transaction (with the activity entry and any extra revocations, such
 * as the access token presented at logout); then mirrors the denylist to Redis.
 *
 * A refresh holds its family row locked while it rotates, so the UPDATE below waits for it,
 * and the SELECT that follows (a new statement) sees the access token that refresh issued.
 */
export async function revokeFamilies(
  ctx: TokenContext,
  filter: FamilyFilter,
  reason: string,
  activity: ActivityEntry[],
  extra: Revocation[] = [],
): Promise<RevokeResult> {
  const { families, revoked } = await ctx.prisma.$transaction(async (tx) => {
    const families = await tx.$queryRaw<Array<{ id: string; user_id: string }>>`
      UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = ${reason}
      WHERE ${whereFamilies(filter)} AND revoked_at IS NULL
      RETURNING id, user_id`;
    const live =
      families.length === 0
        ? []
        : await tx.refreshToken.findMany({
            where: { familyId: { in: families.map((f) => f.id) }, accessExpiresAt: { gt: new Date() } },
            select: { accessJti: true, accessExpiresAt: true, family: { select: { userId: true } } },
          });
    const revoked = await recordRevocations(tx, [
      ...live.map((t) => ({ jti: t.accessJti, userId: t.family.userId, expiresAt: t.accessExpiresAt, reason })),
      ...extra,
    ]);
    for (const entry of activity) {
      const mine = entry.targetType === 'user' ? families.filter((f) => f.user_id === entry.targetId).length : families.length;
      await recordActivity(tx, { ...entry, detail: { reason, families: mine, ...(entry.detail as object) } });
    }
    return { families, revoked };
  });
  await ctx.denylist.mirror(revoked);
  return { families: families.length, accessTokens: revoked.length };
}

/** Every session of these users, in one transaction (one `tokens_revoked` entry per user). */
export const revokeUserSessions = (ctx: TokenContext, userIds: string[], reason: string, actorId: string | null) =>
  revokeFamilies(
    ctx,
    { userIds },
    reason,
    userIds.map((id) => ({ action: 'tokens_revoked', actorId, targetType: 'user', targetId: id })),
  );

export const revokeClientAppSessions = (ctx: TokenContext, clientAppId: string, reason: string, actorId: string | null) =>
  revokeFamilies(ctx, { clientAppId }, reason, [
    { action: 'client_app_sessions_revoked', actorId, targetType: 'client_app', targetId: clientAppId },
  ]);

/** Denylists one token (an access or admin token) until it expires. */
export async function denyToken(ctx: TokenContext, revocation: Revocation): Promise<void> {
  const revoked = await recordRevocations(ctx.prisma, [revocation]);
  await ctx.denylist.mirror(revoked);
}

/** Logout: every session of the user ends, and the access token they presented is denylisted. */
export const logout = (ctx: TokenContext, presented: { userId: string; jti: string; expiresAt: Date }) =>
  revokeFamilies(
    ctx,
    { userId: presented.userId },
    'logout',
    [{ action: 'user_logout', actorId: presented.userId, targetType: 'user', targetId: presented.userId }],
    [{ jti: presented.jti, userId: presented.userId, expiresAt: presented.expiresAt, reason: 'logout' }],
  );
