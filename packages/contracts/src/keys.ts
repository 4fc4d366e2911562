import { z } from 'zod';

/** One public signing key as a JWK (RFC 7517): RSA, for signatures, RS256 only. */
export const jwkSchema = z.object({
  kty: z.literal('RSA'),
  use: z.literal('sig'),
  alg: z.literal('RS256'),
  kid: z.string(),
  n: z.string(),
  e: z.string(),
});
export type Jwk = z.infer<typeof jwkSchema>;

/** GET /.well-known/jwks.json: the active key first, then retired keys whose tokens may still be live. */
export const jwksSchema = z.object({ keys: z.array(jwkSchema) });
export type Jwks = z.infer<typeof jwksSchema>;

/**
 * GET /.well-known/openid-configuration (RFC 8414 metadata). Sentinel issues no id_tokens and has
 * no RFC 6749 authorization or token endpoint, so only what is true is listed; the schema strips
 * anything else.
 */
export const discoveryDocumentSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  revocation_endpoint: z.string(),
  revocation_endpoint_auth_methods_supported: z.array(z.string()),
  introspection_endpoint: z.string(),
  code_challenge_methods_supported: z.array(z.literal('S256')),
  /** Not a registered RFC 8414 field: the algorithm of the access and admin tokens (JWTs). */
  access_token_signing_alg_values_supported: z.array(z.literal('RS256')),
});
export type DiscoveryDocument = z.infer<typeof discoveryDocumentSchema>;

/** POST /admin/keys/rotate: the kid of the key that signs from now on. */
export const rotateKeyResponseSchema = z.object({ kid: z.string() });
export type RotateKeyResponse = z.infer<typeof rotateKeyResponseSchema>;
