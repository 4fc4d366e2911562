import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { SigningKey } from '../keys';

export const ACCESS_AUDIENCE = 'sentinel:access';
export const ADMIN_AUDIENCE = 'sentinel:admin';

export interface AccessClaims {
  sub: string;
  email: string;
  name: string;
  wid: string;
  wslug: string;
  wrole: string;
  groups: string[];
}

export interface SignedToken {
  token: string;
  jti: string;
  expiresAt: Date;
  expiresIn: number;
}

/** Whole seconds of a lifetime given in minutes (fractions allowed, so tests need not wait). */
export const minutesToSeconds = (minutes: number) => Math.max(1, Math.round(minutes * 60));

function sign(key: SigningKey, issuer: string, audience: string, type: string, claims: object, ttlSeconds: number): SignedToken {
  const jti = randomUUID();
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + ttlSeconds;
  const token = jwt.sign({ ...claims, iss: issuer, aud: audience, type, jti, iat, exp }, key.privateKey, {
    algorithm: 'RS256',
    keyid: key.kid,
  });
  return { token, jti, expiresAt: new Date(exp * 1000), expiresIn: ttlSeconds };
}

/** The access token of docs/api.md: RS256, header kid, exactly these claims. */
export function signAccessToken(key: SigningKey, issuer: string, claims: AccessClaims, ttlSeconds: number): SignedToken {
  return sign(key, issuer, ACCESS_AUDIENCE, 'access', claims, ttlSeconds);
}

/** The admin token (admin_token cookie): its own audience and type, never accepted as another. */
export function signAdminToken(
  key: SigningKey,
  issuer: string,
  admin: { sub: string; email: string; name: string },
  ttlSeconds: number,
): SignedToken {
  return sign(key, issuer, ADMIN_AUDIENCE, 'admin_access', { ...admin, admin: true }, ttlSeconds);
}
