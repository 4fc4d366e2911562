import { randomUUID } from 'node:crypto';
import { sha256Hex } from '@sentinel/crypto';
import { AuthenticationError } from '@sentinel/http';
import { currentClaims, newRefreshToken, signAccess } from './issue';
import { refreshLifetimeMs, type TokenContext, type TokenPair } from './context';
import { revokeFamilies } from './revoke';

export const INVALID_REFRESH_TOKEN = 'Invalid refresh token';
const invalid = () => new AuthenticationError(INVALID_REFRESH_TOKEN);

/**
 * Rotates a refresh token: consumed exactly once, a new one issued in the same family with the
 * user's current role and groups. Presenting a consumed token (a replay, or the loser of two
 * concurrent refreshes) revokes the whole family. Every failure is the same 401.
 */
export async function rotateRefreshToken(ctx: TokenContext, raw: string): Promise<TokenPair> {
  const presented = await ctx.prisma.refreshToken.findUnique({
    where: { tokenHash: sha256Hex(raw) },
    select: {
      id: true,
      usedAt: true,
      expiresAt: true,
      family: { select: { id: true, userId: true, workspaceId: true, revokedAt: true } },
    },
  });
  if (!presented || presented.family.revokedAt) throw invalid();
  const { family } = presented;
  if (presented.usedAt) return reuse(ctx, family.id, family.userId, family.workspaceId);
  if (presented.expiresAt.getTime() <= Date.now()) throw invalid();

  const claims = await currentClaims(ctx, family.userId, family.workspaceId);
  if (!claims) {
    await revokeFamilies(ctx, { familyId: family.id }, 'membership_or_user_inactive', []);
    throw invalid();
  }
  const access = await signAccess(ctx, claims);
  const next = newRefreshToken();
  const expiresAt = new Date(Date.now() + refreshLifetimeMs(ctx.config));

  // One statement: lock the family against revocation (FOR NO KEY UPDATE, the lock its UPDATE
  // below needs anyway: taking FOR SHARE first and upgrading could deadlock with a revoker queued
  // in between), consume the token if still unused, and insert its successor. No row back means
  // someone else consumed it first.
  const rows = await ctx.prisma.$queryRaw<Array<{ id: string }>>`
    WITH family AS (
      SELECT id FROM refresh_token_families WHERE id = ${family.id}::uuid AND revoked_at IS NULL FOR NO KEY UPDATE
    ), consumed AS (
      UPDATE refresh_tokens SET used_at = now()
      WHERE id = ${presented.id}::uuid AND used_at IS NULL AND family_id IN (SELECT id FROM family)
      RETURNING id, family_id
    ), extended AS (
      UPDATE refresh_token_families SET expires_at = ${expiresAt}
      WHERE id IN (SELECT family_id FROM consumed)
    )
    INSERT INTO refresh_tokens (id, family_id, parent_id, token_hash, access_jti, access_expires_at, expires_at)
    SELECT ${randomUUID()}::uuid, family_id, id, ${next.hash}, ${access.jti}::uuid, ${access.expiresAt}, ${expiresAt}
    FROM consumed
    RETURNING id`;
  if (rows.length === 0) {
    const now = await ctx.prisma.refreshToken.findUnique({ where: { id: presented.id }, select: { usedAt: true } });
    if (now?.usedAt) return reuse(ctx, family.id, family.userId, family.workspaceId);
    throw invalid();
  }
  return { access_token: access.token, refresh_token: next.raw, token_type: 'bearer', expires_in: access.expiresIn };
}

async function reuse(ctx: TokenContext, familyId: string, userId: string, workspaceId: string): Promise<never> {
  ctx.logger.warn({ familyId, userId }, 'refresh token reuse: family revoked');
  await revokeFamilies(ctx, { familyId }, 'refresh_token_reuse', [
    { action: 'refresh_token_reuse', actorId: userId, targetType: 'session', targetId: familyId, workspaceId },
  ]);
  throw invalid();
}
