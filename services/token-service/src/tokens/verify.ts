import jwt, { type JwtPayload } from 'jsonwebtoken';
import type { KeyStore } from '../keys';

export interface VerifyOptions {
  issuer: string;
  audience: string;
  type: string;
  clockSkewSeconds: number;
}

const KID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Verifies one of our JWTs: RS256 only, the key only by `kid` from our own key set, issuer,
 * audience, type, expiry and iat with bounded skew. Any failure is undefined, never a throw.
 */
export async function verifyOurToken(keys: KeyStore, token: string, options: VerifyOptions): Promise<JwtPayload | undefined> {
  if (token.length > 8192) return undefined;
  const decoded = jwt.decode(token, { complete: true });
  const kid = decoded?.header.kid;
  if (!decoded || decoded.header.alg !== 'RS256' || typeof kid !== 'string' || !KID.test(kid)) return undefined;
  const key = await keys.verificationKey(kid);
  if (!key) return undefined;
  try {
    const payload = jwt.verify(token, key, {
      algorithms: ['RS256'],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockSkewSeconds,
    });
    if (typeof payload === 'string' || payload.type !== options.type) return undefined;
    if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + options.clockSkewSeconds) return undefined;
    if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string') return undefined;
    return payload;
  } catch {
    return undefined;
  }
}
