import { decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { WORKSPACE_ROLES } from '@sentinel/contracts/workspace-roles';
import { SentinelError } from './errors';
import { createSend, type HttpOptions, type Send } from './http';
import type { WorkspaceRole } from './types';
import { AuthenticatedUser } from './user';

export interface TokenVerifierOptions extends HttpOptions {
  /** The gateway's URL, which is also the tokens' issuer (BASE_URL), e.g. http://localhost:9003. */
  baseUrl: string;
  /** The expected `iss`; default `baseUrl` without a trailing slash (Sentinel's BASE_URL). */
  issuer?: string;
  /** Seconds of clock skew accepted on exp, nbf and iat; at most 60 (docs/api.md). Default 60. */
  clockSkewSeconds?: number;
  /** Also ask Sentinel's denylist (POST /auth/introspect) on every verification; needs `serviceKey`. */
  checkRevocation?: boolean;
  serviceKey?: string;
  /** An unknown kid fetches the JWKS again at most once per this interval. Default 30 000. */
  jwksCooldownMs?: number;
  /** The key set is fetched again when older than this, so retired keys stop verifying. Default 300 000. */
  jwksMaxAgeMs?: number;
}

export interface TokenVerifier {
  /** The user of a valid access token; else a SentinelError (401, or 503 when Sentinel is unreachable). */
  verifyAccessToken(token: string): Promise<AuthenticatedUser>;
}

/** 0.7's SDK messages (its JWTAuthMiddleware and get_current_user). */
export const MESSAGES = {
  expired: 'Token has expired',
  invalid: 'Invalid token',
  claims: 'Invalid token claims',
  revoked: 'Token has been revoked',
  unavailable: 'Authentication service unavailable',
} as const;

const AUDIENCE = 'sentinel:access';
const MAX_TOKEN_BYTES = 8 * 1024;
const ROLES = new Set<string>(WORKSPACE_ROLES);
/** Header parameters that would let a token name its own key: keys come only from our JWKS, by kid. */
const KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];

const fail = (detail: string) => new SentinelError(401, detail);

/** The protected header, or undefined when the token is not a JWS. */
function headerOf(token: string): Record<string, unknown> | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

type Key = Awaited<ReturnType<typeof importJWK>>;

/**
 * The signing keys of our own JWKS by kid. An unknown kid fetches the set again, at most once per
 * cooldown (so junk kids cannot make us hammer Sentinel); concurrent callers share one fetch. A
 * renewal that fails keeps the keys we have; with no keys at all, verification is unavailable.
 */
function createKeyCache(send: Send, cooldownMs: number, maxAgeMs: number) {
  let keys = new Map<string, Key>();
  let loadedAt = -Infinity;
  let triedAt = -Infinity;
  let loading: Promise<void> | undefined;

  const load = () =>
    (loading ??= (async () => {
      triedAt = Date.now();
      try {
        const { keys: jwks } = await send<{ keys: JWK[] }>({ method: 'GET', path: '/.well-known/jwks.json', retryable: 'always' });
        const next = new Map<string, Key>();
        for (const jwk of jwks) {
          if (jwk.kty !== 'RSA' || !jwk.kid || (jwk.use && jwk.use !== 'sig') || (jwk.alg && jwk.alg !== 'RS256')) continue;
          next.set(jwk.kid, await importJWK(jwk, 'RS256'));
        }
        keys = next;
        loadedAt = Date.now();
      } finally {
        loading = undefined;
      }
    })());
  const mayLoad = () => Date.now() - triedAt >= cooldownMs;

  return async (kid: string) => {
    if (Date.now() - loadedAt > maxAgeMs && mayLoad()) {
      await load().catch((err: unknown) => {
        if (keys.size === 0) throw err;
      });
    }
    if (!keys.has(kid) && mayLoad()) await load();
    if (keys.size === 0) throw new Error('no signing keys could be fetched');
    return keys.get(kid);
  };
}

function userOf(payload: JWTPayload, token: string): AuthenticatedUser {
  const { sub, email, name, wid, wslug, wrole, groups } = payload as Record<string, unknown>;
  const text = (value: unknown): value is string => typeof value === 'string';
  if (!text(sub) || !text(email) || !text(name) || !text(wid) || !text(wslug) || !text(wrole) || !ROLES.has(wrole)) throw fail(MESSAGES.claims);
  if (!Array.isArray(groups) || !groups.every(text)) throw fail(MESSAGES.claims);
  return new AuthenticatedUser(
    { user_id: sub, email, name, workspace_id: wid, workspace_slug: wslug, workspace_role: wrole as WorkspaceRole, groups },
    token,
  );
}

/**
 * Verifies Sentinel access tokens as docs/api.md "Tokens" requires: RS256 only, the key only by kid
 * from the JWKS, signature, issuer, audience `sentinel:access`, type `access`, exp/nbf/iat with at
 * most 60 s skew, and optionally the denylist.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (options.checkRevocation && !options.serviceKey) {
    throw new Error('checkRevocation needs a serviceKey (create one with `pnpm sentinel service-apps create`)');
  }
  const send = createSend(options.baseUrl, options);
  const issuer = options.issuer ?? options.baseUrl.replace(/\/+$/, '');
  const skew = Math.min(Math.max(options.clockSkewSeconds ?? 60, 0), 60);
  const keyFor = createKeyCache(send, options.jwksCooldownMs ?? 30_000, options.jwksMaxAgeMs ?? 300_000);

  async function verifySignedToken(token: string): Promise<JWTPayload> {
    const header = headerOf(token);
    if (token.length > MAX_TOKEN_BYTES || !header || header.alg !== 'RS256' || typeof header.kid !== 'string') throw fail(MESSAGES.invalid);
    if (KEY_HEADERS.some((name) => name in header)) throw fail(MESSAGES.invalid);
    let key;
    try {
      key = await keyFor(header.kid);
    } catch (err) {
      throw new SentinelError(503, MESSAGES.unavailable, { cause: err });
    }
    if (!key) throw fail(MESSAGES.invalid);
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['RS256'],
        issuer,
        audience: AUDIENCE,
        clockTolerance: skew,
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      });
      return payload;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw fail(MESSAGES.expired);
      if (err instanceof errors.JWTClaimValidationFailed) throw fail(MESSAGES.claims);
      throw fail(MESSAGES.invalid);
    }
  }

  async function isRevoked(token: string): Promise<boolean> {
    try {
      const result = await send<{ active: boolean }>({
        method: 'POST',
        path: '/auth/introspect',
        body: { token },
        headers: { 'x-service-key': options.serviceKey ?? '' },
        retryable: 'always',
      });
      return !result.active;
    } catch (err) {
      // Fail closed: a denylist we cannot ask does not vouch for the token.
      throw new SentinelError(503, MESSAGES.unavailable, { cause: err });
    }
  }

  return {
    async verifyAccessToken(token) {
      const payload = await verifySignedToken(token);
      if (payload.type !== 'access') throw fail(MESSAGES.claims);
      if ((payload.iat ?? 0) > Date.now() / 1000 + skew) throw fail(MESSAGES.claims);
      const user = userOf(payload, token);
      if (options.checkRevocation && (await isRevoked(token))) throw fail(MESSAGES.revoked);
      return user;
    },
  };
}
