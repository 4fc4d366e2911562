import { discoveryDocumentSchema, jwksSchema, rotateKeyQuerySchema, rotateKeyResponseSchema, type Jwk, type RotateKeyResponse } from '@sentinel/contracts';
import { currentAdmin, parseInput, respond } from '@sentinel/http';
import { Router, type Response } from 'express';
import type { Config } from '../config';
import { refusalNotice, type KeyStore } from '../keys';

function toJwk(kid: string, jwk: { n?: string; e?: string }): Jwk {
  return { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: jwk.n ?? '', e: jwk.e ?? '' };
}

/**
 * The public documents (any caller, anonymous included): JWKS and discovery. Clients may cache
 * them for JWKS_CACHE_CONTROL_MAX_AGE_SECONDS: a new key is published at least that long (plus
 * jose's cooldown) before it signs.
 */
export function createWellKnownRouter(keys: KeyStore, config: Pick<Config, 'BASE_URL' | 'JWKS_CACHE_CONTROL_MAX_AGE_SECONDS'>): Router {
  const router = Router();
  const base = config.BASE_URL.replace(/\/+$/, '');
  const cachePublicly = (res: Response) => res.setHeader('Cache-Control', `public, max-age=${config.JWKS_CACHE_CONTROL_MAX_AGE_SECONDS}`);

  router.get('/.well-known/jwks.json', async (_req, res) => {
    const published = await keys.published();
    cachePublicly(res);
    respond(res, jwksSchema, { keys: published.map(({ kid, publicKey }) => toJwk(kid, publicKey.export({ format: 'jwk' }))) });
  });

  router.get('/.well-known/openid-configuration', (_req, res) => {
    cachePublicly(res);
    respond(res, discoveryDocumentSchema, {
      issuer: config.BASE_URL,
      jwks_uri: `${base}/.well-known/jwks.json`,
      revocation_endpoint: `${base}/auth/revoke`,
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint: `${base}/auth/introspect`,
      code_challenge_methods_supported: ['S256'],
      access_token_signing_alg_values_supported: ['RS256'],
    });
  });

  return router;
}

/**
 * POST /admin/keys/rotate (admin tier; the gateway checks the admin cookie and X-Requested-With):
 * `{kid, active_at}` of the next key. `?immediate=true` (emergency) adds the dropped kids and says
 * that their tokens are refused.
 */
export function createKeysAdminRouter(keys: KeyStore): Router {
  const router = Router();
  router.post('/admin/keys/rotate', async (req, res) => {
    const admin = currentAdmin(req);
    const { immediate } = parseInput(rotateKeyQuerySchema, req.query, 'query');
    const result = await keys.rotate({ actorId: admin.user_id, immediate });
    const body: RotateKeyResponse = { kid: result.kid, active_at: result.activeAt.toISOString() };
    if (immediate) Object.assign(body, { refused_kids: result.refusedKids, message: refusalNotice(result.refusedKids) });
    respond(res, rotateKeyResponseSchema, body);
  });
  return router;
}
