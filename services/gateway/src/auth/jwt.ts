import type { KeyObject } from 'node:crypto';
import { WORKSPACE_ROLES } from '@sentinel/contracts';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import type { KeySet, TokenType } from './keys';

/** A token larger than this is refused before any parsing (0.7 at HEAD: 8192 bytes). */
export const MAX_TOKEN_BYTES = 8 * 1024;
const KID = /^[A-Za-z0-9_-]{1,128}$/;
/** Header parameters that would let a token name its own key: we resolve keys only by kid. */
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'crit'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLES = new Set<string>(WORKSPACE_ROLES);

export interface TokenRules {
  issuer: string;
  audience: string;
  type: TokenType;
  clockSkewSeconds: number;
}

export interface AccessClaims {
  sub: string;
  jti: string;
  exp: number;
  email: string;
  name: string;
  wid: string;
  wslug: string;
  wrole: 'viewer' | 'editor' | 'admin' | 'owner';
  groups: string[];
}

export interface AdminClaims {
  sub: string;
  jti: string;
  exp: number;
  email: string;
  name: string;
  admin: boolean;
}

/** The header of a compact JWS, or undefined when it is not one. */
function readHeader(token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies one of our RS256 JWTs: size, header (RS256 only, a well-formed kid, no key-carrying
 * parameters), the key only by kid from our own JWKS, signature, issuer, audience, type, exp and
 * nbf with bounded skew, iat not in the future, and a lifetime (exp − iat) no longer than
 * token-service issues plus the skew (a leaked key cannot mint long-lived tokens). Undefined for
 * any failure, never a throw.
 */
export function verifyToken(keys: KeySet, token: string, rules: TokenRules): JwtPayload | undefined | Promise<JwtPayload | undefined> {
  if (token.length > MAX_TOKEN_BYTES) return undefined;
  const header = readHeader(token);
  if (!header || header.alg !== 'RS256' || typeof header.kid !== 'string' || !KID.test(header.kid)) return undefined;
  for (const name of FORBIDDEN_HEADERS) if (name in header) return undefined;
  const key = keys.key(header.kid);
  if (key instanceof Promise) return key.then((k) => (k ? checkAll(keys, token, k, rules) : undefined));
  return key ? checkAll(keys, token, key, rules) : undefined;
}

function checkAll(keys: KeySet, token: string, key: KeyObject, rules: TokenRules): JwtPayload | undefined | Promise<JwtPayload | undefined> {
  const payload = check(token, key, rules);
  if (!payload) return undefined;
  const fits = () => {
    const max = keys.maxLifetime(rules.type);
    return max !== undefined && (payload.exp as number) - (payload.iat as number) <= max + rules.clockSkewSeconds;
  };
  if (fits()) return payload;
  // token-service may issue longer tokens since we read its lifetimes: read again (rate-limited).
  return keys.refreshIfDue()?.then(() => (fits() ? payload : undefined));
}

function check(token: string, key: KeyObject, rules: TokenRules): JwtPayload | undefined {
  let payload: string | JwtPayload;
  try {
    payload = jwt.verify(token, key, {
      algorithms: ['RS256'],
      issuer: rules.issuer,
      audience: rules.audience,
      clockTolerance: rules.clockSkewSeconds,
    });
  } catch {
    return undefined;
  }
  if (typeof payload === 'string' || payload.type !== rules.type) return undefined;
  if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + rules.clockSkewSeconds) return undefined;
  if (typeof payload.exp !== 'number') return undefined;
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 128) return undefined;
  if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return undefined;
  return payload;
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** The access token's own claims, all present and well-formed; else undefined. */
export function accessClaims(payload: JwtPayload): AccessClaims | undefined {
  const { email, name, wid, wslug, wrole, groups } = payload as Record<string, unknown>;
  if (!isText(email) || !isText(name) || !isText(wid) || !UUID.test(wid) || !isText(wslug)) return undefined;
  if (!isText(wrole) || !ROLES.has(wrole)) return undefined;
  if (!Array.isArray(groups) || !groups.every((g) => isText(g) && UUID.test(g))) return undefined;
  return {
    sub: payload.sub as string,
    jti: payload.jti as string,
    exp: payload.exp as number,
    email,
    name,
    wid,
    wslug,
    wrole: wrole as AccessClaims['wrole'],
    groups: groups as string[],
  };
}

/** The admin token's claims (`admin` may be false: the caller answers 403 then); else undefined. */
export function adminClaims(payload: JwtPayload): AdminClaims | undefined {
  const { email, name, admin } = payload as Record<string, unknown>;
  if (!isText(email) || !isText(name)) return undefined;
  return { sub: payload.sub as string, jti: payload.jti as string, exp: payload.exp as number, email, name, admin: admin === true };
}
