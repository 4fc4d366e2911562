import { randomToken, sha256Hex } from '@sentinel/crypto';
import { recordActivity } from '@sentinel/db';
import { AuthenticationError, NotAllowedError } from '@sentinel/http';
import { minutesToSeconds, signAccessToken, signAdminToken, type AccessClaims, type SignedToken } from './claims';
import { refreshLifetimeMs, type TokenContext, type TokenPair } from './context';

export class NotAMemberError extends NotAllowedError {
  constructor() {
    super('Not a member of this workspace');
  }
}

/**
 * The claims of an access token for this user in this workspace, read now from the database:
 * role and groups are always current. Undefined when the user is inactive or not a member.
 * One statement: this runs on every refresh.
 */
export async function currentClaims(ctx: TokenContext, userId: string, workspaceId: string): Promise<AccessClaims | undefined> {
  const rows = await ctx.prisma.$queryRaw<Array<{ email: string; name: string; role: string; slug: string; groups: string[] }>>`
    SELECT u.email, u.name, m.role, w.slug,
           ARRAY(SELECT gm.group_id::text FROM group_memberships gm JOIN groups g ON g.id = gm.group_id
                 WHERE gm.user_id = u.id AND g.workspace_id = w.id ORDER BY gm.group_id) AS groups
    FROM users u
    JOIN workspace_memberships m ON m.user_id = u.id
    JOIN workspaces w ON w.id = m.workspace_id
    WHERE u.id = ${userId}::uuid AND m.workspace_id = ${workspaceId}::uuid AND u.is_active`;
  const row = rows[0];
  if (!row) return undefined;
  return { sub: userId, email: row.email, name: row.name, wid: workspaceId, wslug: row.slug, wrole: row.role, groups: row.groups };
}

/**
 * The lifetime (exp − iat, seconds) of each JWT we sign, by its `type` claim: what we sign with,
 * and what the gateway enforces as a maximum (GET /internal/tokens/lifetimes).
 */
export function tokenLifetimes(
  config: Pick<TokenContext['config'], 'ACCESS_TOKEN_EXPIRE_MINUTES' | 'ADMIN_TOKEN_EXPIRE_MINUTES'>,
): { access: number; admin_access: number } {
  return {
    access: minutesToSeconds(config.ACCESS_TOKEN_EXPIRE_MINUTES),
    admin_access: minutesToSeconds(config.ADMIN_TOKEN_EXPIRE_MINUTES),
  };
}

export async function signAccess(ctx: TokenContext, claims: AccessClaims): Promise<SignedToken> {
  const key = await ctx.keys.signingKey();
  return signAccessToken(key, ctx.config.BASE_URL, claims, tokenLifetimes(ctx.config).access);
}

/** A new refresh token: 256 random bits, of which only the SHA-256 is stored. */
export function newRefreshToken(): { raw: string; hash: string } {
  const raw = randomToken(32);
  return { raw, hash: sha256Hex(raw) };
}

export interface IssueRequest {
  userId: string;
  workspaceId: string;
  clientAppId?: string | null;
  /** Activity action recorded with the new session (e.g. token_issued, workspace_switched). */
  action: string;
}

/** Starts a new session (refresh family) for a member of the workspace and returns its first pair. */
export async function issuePair(ctx: TokenContext, request: IssueRequest): Promise<TokenPair> {
  const claims = await currentClaims(ctx, request.userId, request.workspaceId);
  if (!claims) throw new NotAMemberError();
  const access = await signAccess(ctx, claims);
  const refresh = newRefreshToken();
  const expiresAt = new Date(Date.now() + refreshLifetimeMs(ctx.config));
  await ctx.prisma.$transaction(async (tx) => {
    const family = await tx.refreshTokenFamily.create({
      data: {
        userId: request.userId,
        workspaceId: request.workspaceId,
        clientAppId: request.clientAppId ?? null,
        expiresAt,
        tokens: {
          create: {
            tokenHash: refresh.hash,
            accessJti: access.jti,
            accessExpiresAt: access.expiresAt,
            expiresAt,
          },
        },
      },
      select: { id: true },
    });
    await recordActivity(tx, {
      action: request.action,
      actorId: request.userId,
      targetType: 'session',
      targetId: family.id,
      workspaceId: request.workspaceId,
      detail: { client_app_id: request.clientAppId ?? null },
    });
  });
  return { access_token: access.token, refresh_token: refresh.raw, token_type: 'bearer', expires_in: access.expiresIn };
}

/** The admin_token for an active user who is an admin (the caller decides who is one). */
export async function issueAdminToken(ctx: TokenContext, userId: string): Promise<{ token: string; expires_in: number; jti: string }> {
  const user = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { email: true, name: true, isActive: true } });
  if (!user?.isActive) throw new AuthenticationError('User is not active');
  const key = await ctx.keys.signingKey();
  const signed = signAdminToken(
    key,
    ctx.config.BASE_URL,
    { sub: userId, email: user.email, name: user.name },
    tokenLifetimes(ctx.config).admin_access,
  );
  return { token: signed.token, expires_in: signed.expiresIn, jti: signed.jti };
}
