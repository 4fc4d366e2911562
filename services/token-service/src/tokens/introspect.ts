import { sha256Hex } from '@sentinel/crypto';
import { ACCESS_AUDIENCE, ADMIN_AUDIENCE } from './claims';
import type { TokenContext } from './context';
import { denyToken, revokeFamilies } from './revoke';
import { verifyOurToken } from './verify';

const looksLikeJwt = (token: string) => token.split('.').length === 3;

const verifyAs = (ctx: TokenContext, token: string, audience: string, type: string) =>
  verifyOurToken(ctx.keys, token, {
    issuer: ctx.config.BASE_URL,
    audience,
    type,
    clockSkewSeconds: ctx.config.JWT_CLOCK_SKEW_SECONDS,
  });

export type Introspection =
  | { active: false }
  | {
      active: true;
      token_type: 'access_token' | 'refresh_token';
      sub: string;
      wid: string;
      wrole?: string;
      wslug?: string;
      groups?: string[];
      jti?: string;
      iat?: number;
      exp: number;
      iss: string;
      aud?: string;
    };

/** RFC 7662: whether the token is one of ours, unexpired and not revoked, and what it says. */
export async function introspect(ctx: TokenContext, token: string): Promise<Introspection> {
  if (looksLikeJwt(token)) {
    const claims = await verifyAs(ctx, token, ACCESS_AUDIENCE, 'access');
    if (!claims?.jti || (await ctx.denylist.isRevoked(claims.jti))) return { active: false };
    return {
      active: true,
      token_type: 'access_token',
      sub: String(claims.sub),
      wid: String(claims.wid),
      wslug: String(claims.wslug),
      wrole: String(claims.wrole),
      groups: Array.isArray(claims.groups) ? claims.groups.map(String) : [],
      jti: claims.jti,
      iat: claims.iat,
      exp: Number(claims.exp),
      iss: ctx.config.BASE_URL,
      aud: ACCESS_AUDIENCE,
    };
  }
  const refresh = await ctx.prisma.refreshToken.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: { usedAt: true, expiresAt: true, family: { select: { userId: true, workspaceId: true, revokedAt: true } } },
  });
  if (!refresh || refresh.usedAt || refresh.family.revokedAt || refresh.expiresAt.getTime() <= Date.now()) {
    return { active: false };
  }
  return {
    active: true,
    token_type: 'refresh_token',
    sub: refresh.family.userId,
    wid: refresh.family.workspaceId,
    exp: Math.floor(refresh.expiresAt.getTime() / 1000),
    iss: ctx.config.BASE_URL,
  };
}

/**
 * RFC 7009: revokes a refresh token's whole session, or denylists an access or admin token.
 * Anything else (unknown, expired, not ours) is silently accepted, as the RFC requires.
 */
export async function revokeAnyToken(ctx: TokenContext, token: string): Promise<void> {
  if (looksLikeJwt(token)) {
    const claims =
      (await verifyAs(ctx, token, ACCESS_AUDIENCE, 'access')) ?? (await verifyAs(ctx, token, ADMIN_AUDIENCE, 'admin_access'));
    if (claims?.jti && typeof claims.exp === 'number') {
      await denyToken(ctx, { jti: claims.jti, userId: claims.sub ?? null, expiresAt: new Date(claims.exp * 1000), reason: 'revoked' });
    }
    return;
  }
  const refresh = await ctx.prisma.refreshToken.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: { family: { select: { id: true, userId: true, workspaceId: true } } },
  });
  if (!refresh) return;
  const { family } = refresh;
  await revokeFamilies(ctx, { familyId: family.id }, 'revoked', [
    { action: 'session_revoked', actorId: family.userId, targetType: 'session', targetId: family.id, workspaceId: family.workspaceId },
  ]);
}
