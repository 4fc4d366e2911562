import { createPublicKey, type KeyObject } from 'node:crypto';
import { signingKeysChangedChannel, signingKeysChangedSchema, tokenLifetimesSchema, type TokenLifetimes } from '@sentinel/contracts';
import { INTERNAL_IDENTITY_HEADER, mintInternalToken, type Logger } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import jwksClient from 'jwks-rsa';

/** The JWT types token-service issues, by their `type` claim. */
export type TokenType = keyof TokenLifetimes['max_lifetime_seconds'];

export interface KeySetOptions {
  /** token-service's base URL (its JWKS is at /.well-known/jwks.json). */
  tokenServiceUrl: string;
  internalSecret: string;
  /** An unknown kid fetches the set again at most once per this interval. */
  refreshIntervalMs: number;
  /** A set older than this is re-fetched in the background. */
  maxAgeMs: number;
  logger: Logger;
  timeoutMs?: number;
  /** Where token-service announces key changes (a rotation, an emergency one above all). */
  events?: { redis: Redis; redisKeyPrefix: string };
}

export interface KeySet {
  /** The public key of `kid` from our own JWKS, or undefined. Never blocks on a known kid. */
  key(kid: string): KeyObject | undefined | Promise<KeyObject | undefined>;
  /**
   * The longest lifetime (exp − iat, seconds) token-service issues a token of `type` with, read
   * together with the keys (undefined before the first read).
   */
  maxLifetime(type: TokenType): number | undefined;
  /** Reads keys and lifetimes again, unless that was tried within the refresh interval (undefined then). */
  refreshIfDue(): Promise<void> | undefined;
  /** Fetches the set now (at start; tests). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/**
 * token-service's signing keys, each held as a `KeyObject` per kid (handing jsonwebtoken the PEM
 * that jwks-rsa returns costs a parse per verification, five times slower: docs/platform.md). A kid we
 * do not know triggers at most one fetch per refresh interval, so junk kids cannot make us hammer
 * token-service; the set is renewed in the background once it is older than its max age, so keys
 * that token-service stopped publishing stop being accepted. With the keys come the lifetimes
 * token-service issues tokens with (its internal route): both are replaced together or not at all.
 */
export function createKeySet(options: KeySetOptions): KeySet {
  // Our own fetch: every call to a service carries a fresh internal identity (token-service
  // refuses anything else), and waits a bounded time.
  const get = async (uri: string): Promise<unknown> => {
    const res = await fetch(uri, {
      headers: { [INTERNAL_IDENTITY_HEADER]: mintInternalToken(options.internalSecret, { caller: 'gateway' }) },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`${new URL(uri).pathname} answered ${res.status}`);
    return res.json();
  };
  const client = jwksClient({
    jwksUri: new URL('/.well-known/jwks.json', options.tokenServiceUrl).toString(),
    cache: false,
    rateLimit: false,
    fetcher: async (uri) => (await get(uri)) as { keys: unknown },
  });
  const lifetimesUri = new URL('/internal/tokens/lifetimes', options.tokenServiceUrl).toString();

  let keys = new Map<string, KeyObject>();
  let lifetimes: TokenLifetimes['max_lifetime_seconds'] | undefined;
  let fetchedAt = 0;
  let lastAttempt = 0;
  let lastFailed = false;
  let inFlight: Promise<void> | undefined;
  /** Kids an emergency rotation dropped: refused from the message on, even if a stale JWKS still lists them. */
  const refused = new Set<string>();
  /** After a failed fetch (token-service starting, say) retry sooner, still at most once a second. */
  const minInterval = () => (lastFailed ? Math.min(1000, options.refreshIntervalMs) : options.refreshIntervalMs);

  const refresh = (): Promise<void> => {
    inFlight ??= (async () => {
      lastAttempt = Date.now();
      try {
        const [signingKeys, published] = await Promise.all([client.getSigningKeys(), get(lifetimesUri)]);
        const nextLifetimes = tokenLifetimesSchema.parse(published).max_lifetime_seconds;
        const next = new Map<string, KeyObject>();
        for (const k of signingKeys) {
          if ((k.alg !== undefined && k.alg !== 'RS256') || refused.has(k.kid)) continue;
          // Keep the KeyObject we already have for a kid: the same key, no new parse.
          next.set(k.kid, keys.get(k.kid) ?? createPublicKey(k.getPublicKey()));
        }
        keys = next;
        lifetimes = nextLifetimes;
        fetchedAt = Date.now();
        lastFailed = false;
      } catch (err) {
        lastFailed = true;
        options.logger.warn({ err }, 'JWKS fetch failed; keeping the keys we have');
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  const refreshIfDue = () => (Date.now() - lastAttempt < minInterval() && inFlight === undefined ? undefined : refresh());

  // On token-service's message: drop the refused kids at once, then fetch the set (after a fetch in
  // flight, which may predate the change). On (re)subscribing, messages may have been missed: fetch.
  let subscriber: Redis | undefined;
  if (options.events) {
    const channel = signingKeysChangedChannel(options.events.redisKeyPrefix);
    const refetch = () => void (inFlight ?? Promise.resolve()).then(refresh);
    subscriber = options.events.redis.duplicate({ keyPrefix: '' });
    subscriber.on('error', () => undefined);
    subscriber.on('ready', refetch);
    subscriber.on('message', (from: string, raw: string) => {
      if (from !== channel) return;
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        message = undefined;
      }
      const parsed = signingKeysChangedSchema.safeParse(message);
      if (parsed.success) {
        for (const kid of parsed.data.refused_kids) {
          refused.add(kid);
          keys.delete(kid);
        }
      }
      refetch();
    });
    subscriber.subscribe(channel).catch((err: unknown) => options.logger.warn({ err }, 'signing keys: subscribe failed'));
  }

  return {
    key(kid) {
      const now = Date.now();
      const found = keys.get(kid);
      if (now - fetchedAt > options.maxAgeMs && now - lastAttempt > minInterval()) void refresh();
      if (found) return found;
      return refreshIfDue()?.then(() => keys.get(kid));
    },
    maxLifetime: (type) => lifetimes?.[type],
    refreshIfDue,
    refresh,
    close: () => Promise.resolve(subscriber?.disconnect()),
  };
}
