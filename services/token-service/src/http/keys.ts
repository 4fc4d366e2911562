import { discoveryDocumentSchema, jwksSchema, rotateKeyResponseSchema, type Jwk } from '@sentinel/contracts';
import { currentAdmin, respond } from '@sentinel/http';
import { Router, type Response } from 'express';
import type { Config } from '../config';
import type { KeyStore } from '../keys';

/** Clients may cache the key set briefly; a token with an unknown kid makes them fetch it again. */
const PUBLIC_CACHE = 'public, max-age=300';

function toJwk(kid: string, jwk: { n?: string; e?: string }): Jwk {
  return { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: jwk.n ?? '', e: jwk.e ?? '' };
}

const cachePublicly = (res: Response) => res.setHeader('Cache-Control', PUBLIC_CACHE);

/** The public documents (any caller, anonymous included): JWKS and discovery. */
export function createWellKnownRouter(keys: KeyStore, config: Pick<Config, 'BASE_URL'>): Router {
  const router = Router();
  const base = config.BASE_URL.replace(/\/+$/, '');

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

/** POST /admin/keys/rotate (admin tier; the gateway checks the admin cookie and X-Requested-With). */
export function createKeysAdminRouter(keys: KeyStore): Router {
  const router = Router();
  router.post('/admin/keys/rotate', async (req, res) => {
    const admin = currentAdmin(req);
    respond(res, rotateKeyResponseSchema, await keys.rotate(admin.user_id));
  });
  return router;
}
