import { AuthenticationError, NotAllowedError, type Identity } from '@sentinel/http';
import type { Request } from 'express';
import type { LimitPlan, Limits } from '../limits';
import type { Tier } from '../routes';
import { ADMIN_COOKIE, NOT_AN_ADMIN, readCookie, requireRequestedWith } from './admin';
import { accessClaims, adminClaims, verifyToken, type AdminClaims, type TokenRules } from './jwt';
import type { KeySet, TokenType } from './keys';
import type { ServiceKeys } from './service-keys';

export const MISSING_BEARER = 'Missing Bearer token';
export const INVALID_TOKEN = 'Invalid or expired token';
export const REVOKED_TOKEN = 'Token has been revoked';

/** What the tier check established, before the limiter's round trip (denylist) and the admin check. */
export interface Authenticated {
  identity: Identity;
  plan: LimitPlan;
  /** The token whose denylist entry must be checked. */
  jti?: string;
  /** For the admin tier: the claims whose holder must still be an active admin. */
  admin?: AdminClaims;
}

export interface Authenticator {
  authenticate(tier: Tier, req: Request): Promise<Authenticated>;
}

const BEARER = /^Bearer +([^\s]+) *$/i;

export function createAuthenticator(deps: {
  keys: KeySet;
  serviceKeys: ServiceKeys;
  limits: Limits;
  issuer: string;
  clockSkewSeconds: number;
}): Authenticator {
  const { keys, serviceKeys, limits } = deps;
  const rules = (audience: string, type: TokenType): TokenRules => ({ issuer: deps.issuer, audience, type, clockSkewSeconds: deps.clockSkewSeconds });
  const accessRules = rules('sentinel:access', 'access');
  const adminRules = rules('sentinel:admin', 'admin_access');

  async function user(req: Request) {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match?.[1]) throw new AuthenticationError(MISSING_BEARER);
    const payload = await verifyToken(keys, match[1], accessRules);
    const claims = payload && accessClaims(payload);
    if (!claims) throw new AuthenticationError(INVALID_TOKEN);
    return {
      jti: claims.jti,
      identity: {
        user_id: claims.sub,
        email: claims.email,
        name: claims.name,
        workspace_id: claims.wid,
        workspace_slug: claims.wslug,
        workspace_role: claims.wrole,
        groups: claims.groups,
        token_id: claims.jti,
        token_expires_at: claims.exp,
      },
    };
  }

  const serviceKeyOf = (req: Request) => {
    const header = req.headers['x-service-key'];
    return typeof header === 'string' ? header : undefined;
  };

  return {
    async authenticate(tier, req) {
      switch (tier) {
        case 'public':
          return { identity: {}, plan: limits.anonymousPlan(req) };
        case 'user': {
          const u = await user(req);
          return { identity: { user: u.identity }, jti: u.jti, plan: limits.userPlan(req, u.identity.user_id, u.jti) };
        }
        case 'service': {
          const service = await serviceKeys.verify(serviceKeyOf(req));
          return { identity: { service }, plan: limits.servicePlan(req, service.app_id, undefined) };
        }
        case 'dual': {
          const service = await serviceKeys.verify(serviceKeyOf(req));
          const u = await user(req);
          return { identity: { user: u.identity, service }, jti: u.jti, plan: limits.servicePlan(req, service.app_id, u.jti) };
        }
        case 'admin': {
          const token = readCookie(req.headers.cookie, ADMIN_COOKIE);
          if (!token) throw new AuthenticationError('Not authenticated');
          const payload = await verifyToken(keys, token, adminRules);
          const claims = payload && adminClaims(payload);
          if (!claims) throw new AuthenticationError(INVALID_TOKEN);
          if (!claims.admin) throw new NotAllowedError(NOT_AN_ADMIN);
          requireRequestedWith(req.method, req.headers['x-requested-with']);
          return { identity: {}, jti: claims.jti, admin: claims, plan: limits.adminPlan(req, claims.sub, claims.jti) };
        }
      }
    },
  };
}
