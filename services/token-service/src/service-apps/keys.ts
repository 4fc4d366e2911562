import { randomToken, sha256Hex } from '@sentinel/crypto';

/**
 * A service API key: `sk_` + a 12-character lookup prefix (72 random bits, stored in clear as
 * key_prefix, unique) + a 43-character secret (256 random bits). Both parts are base64url, so a
 * key has a fixed length and splits without a separator. Only SHA-256 of the whole key is
 * stored: the secret has 256 bits of entropy, so a fast hash is enough (no salt or stretching
 * needed, unlike passwords), and the hash is also what the verification cache is keyed by.
 */
const KEY_PATTERN = /^(sk_[A-Za-z0-9_-]{12})[A-Za-z0-9_-]{43}$/;

export interface NewKey {
  /** The whole key: returned to the admin once, never stored. */
  apiKey: string;
  /** `sk_` + the lookup prefix: stored in clear, shown in lists. */
  prefix: string;
  hash: string;
}

export function generateKey(): NewKey {
  const prefix = `sk_${randomToken(9)}`;
  const apiKey = `${prefix}${randomToken(32)}`;
  return { apiKey, prefix, hash: hashKey(apiKey) };
}

export function hashKey(apiKey: string): string {
  return sha256Hex(apiKey);
}

/** The lookup prefix of a well-formed key, or undefined for anything else. */
export function keyPrefixOf(apiKey: string): string | undefined {
  return KEY_PATTERN.exec(apiKey)?.[1];
}
