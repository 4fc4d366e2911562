import { mintInternalToken, type Identity } from '@sentinel/http';

/**
 * The internal identity tokens the gateway forwards. Signing one per request would be work done
 * again and again for the same caller: a token minted for an identity (named by its access
 * token's id and service app) is reused while more than half of its lifetime remains, which
 * keeps the services' view exactly the same (the identity is the same) at a fraction of the cost.
 */
export function createIdentityMinter(secret: string, ttlSeconds: number, maxEntries = 10_000) {
  const reuseMs = (ttlSeconds * 1000) / 2;
  const minted = new Map<string, { token: string; reuseUntil: number }>();

  const mint = (identity: Identity) => mintInternalToken(secret, identity, { ttlSeconds });

  return {
    /** `cacheKey` must name the identity exactly (undefined: mint a fresh one). */
    forward(identity: Identity, cacheKey: string | undefined): string {
      if (cacheKey === undefined) return mint(identity);
      const now = Date.now();
      const hit = minted.get(cacheKey);
      if (hit && hit.reuseUntil > now) return hit.token;
      if (minted.size >= maxEntries) {
        for (const [k, v] of minted) if (v.reuseUntil <= now) minted.delete(k);
        if (minted.size >= maxEntries) minted.clear();
      }
      const token = mint(identity);
      minted.set(cacheKey, { token, reuseUntil: now + reuseMs });
      return token;
    },
  };
}
