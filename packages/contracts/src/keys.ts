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

/**
 * GET /.well-known/jwks.json: the active key first, then the next key (published ahead of signing
 * after a rotation), then retired keys whose tokens may still be live.
 */
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

/** POST /admin/keys/rotate: `?immediate=true` is the emergency rotation (the old key is compromised). */
export const rotateKeyQuerySchema = z.strictObject({
  immediate: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
});

/**
 * POST /admin/keys/rotate: the new key's kid and when it starts signing (ISO 8601). Until then it
 * is published next to the active key. An emergency rotation signs with it at once and adds the
 * kids it dropped from the JWKS, whose tokens are refused from now on, with a sentence saying so.
 */
export const rotateKeyResponseSchema = z.object({
  kid: z.string(),
  active_at: z.string(),
  refused_kids: z.array(z.string()).optional(),
  message: z.string().optional(),
});
export type RotateKeyResponse = z.infer<typeof rotateKeyResponseSchema>;

/**
 * Redis pub/sub channel on which token-service announces a change of its signing keys, so that
 * every token-service replica reloads them and every gateway replica re-fetches the JWKS at once.
 * ioredis' keyPrefix does not apply to channels: use signingKeysChangedChannel(prefix).
 */
export const SIGNING_KEYS_CHANGED_CHANNEL = 'signing-keys:changed';

export function signingKeysChangedChannel(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}${SIGNING_KEYS_CHANGED_CHANNEL}`;
}

/** One message on that channel (JSON): the new kid, and the kids whose tokens are now refused. */
export const signingKeysChangedSchema = z.object({
  kid: z.string(),
  refused_kids: z.array(z.string()),
});
export type SigningKeysChanged = z.infer<typeof signingKeysChangedSchema>;
