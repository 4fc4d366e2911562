import { createPublicKey, type KeyObject } from 'node:crypto';
import { createKeyRing } from '@sentinel/crypto';
import type { ServiceDeps } from '@sentinel/runtime';
import type { Config } from '../config';
import { generateKeyMaterial, loadKeyMaterial, openPrivateKey, type KeyMaterial } from './material';
import { createSigningKeyRepository, type SigningKeyRow } from './repository';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface KeyStore {
  /** The key that signs now (cached; never decrypted per call). */
  signingKey(): Promise<SigningKey>;
  /** The public key of a kid that is ours and still published; undefined otherwise, junk kids included. */
  verificationKey(kid: string): Promise<KeyObject | undefined>;
  /** Every published key, the active one first. */
  published(): Promise<Array<{ kid: string; publicKey: KeyObject }>>;
  /** A new key signs from now on; the old one stays published until its last token expired. */
  rotate(actorId?: string): Promise<{ kid: string }>;
}

/**
 * How long a process trusts its cached key set without hearing from Redis. Pub/sub makes every
 * replica reload at once after a rotation; this bounds the staleness when a message was lost.
 */
export const KEY_CACHE_TTL_MS = 5_000;
/** An unknown (well-formed) kid reloads the key set at most this often. */
const UNKNOWN_KID_RELOAD_MS = 1_000;
/** A kid is an RFC 7638 thumbprint: SHA-256, base64url, 43 characters. */
const KID = /^[A-Za-z0-9_-]{43}$/;

/** The Redis channel on which a rotation tells every replica to reload (channels are not key-prefixed). */
export const keysChangedChannel = (config: Pick<Config, 'REDIS_KEY_PREFIX'>) => `${config.REDIS_KEY_PREFIX}signing-keys:changed`;

/**
 * How long a retired key stays in the JWKS: the longest lifetime of a JWT we sign (access or
 * admin; refresh tokens are opaque), plus the accepted clock skew, plus the cache TTL (a replica
 * that missed the rotation message may sign with the old key for that long).
 */
export function publishWindowMs(config: Pick<Config, 'ACCESS_TOKEN_EXPIRE_MINUTES' | 'ADMIN_TOKEN_EXPIRE_MINUTES' | 'JWT_CLOCK_SKEW_SECONDS'>): number {
  const longestSeconds = Math.ceil(Math.max(config.ACCESS_TOKEN_EXPIRE_MINUTES, config.ADMIN_TOKEN_EXPIRE_MINUTES) * 60);
  return (longestSeconds + config.JWT_CLOCK_SKEW_SECONDS) * 1000 + KEY_CACHE_TTL_MS;
}

interface PublishedKey {
  kid: string;
  publicKey: KeyObject;
  /** Epoch ms after which the key is no longer published; undefined for the active key. */
  publishUntil: number | undefined;
}

interface Snapshot {
  generation: number;
  loadedAt: number;
  active: SigningKey;
  keys: PublishedKey[];
}

export function createKeyStore(deps: ServiceDeps<Config>): KeyStore {
  const { config, logger } = deps;
  const ring = createKeyRing({ current: config.ENCRYPTION_KEY, previous: config.ENCRYPTION_KEY_PREVIOUS });
  const repository = createSigningKeyRepository(deps.prisma, ring);
  const windowMs = publishWindowMs(config);
  const channel = keysChangedChannel(config);
  const generate = () => generateKeyMaterial(config.JWT_KEY_BITS);
  let fileKey: KeyMaterial | undefined;
  const preferredKey = () => {
    if (config.JWT_PRIVATE_KEY_PATH === undefined || config.JWT_PRIVATE_KEY_PATH === '') return undefined;
    fileKey ??= loadKeyMaterial(config.JWT_PRIVATE_KEY_PATH, config.JWT_PUBLIC_KEY_PATH);
    return fileKey;
  };

  // KeyObjects by kid: a private key is decrypted once per process, a public key parsed once.
  const privateKeys = new Map<string, KeyObject>();
  const publicKeys = new Map<string, KeyObject>();
  /** Bumped by every invalidation; a snapshot of an older generation is stale. */
  let generation = 0;
  let snapshot: Snapshot | undefined;
  let loading: { generation: number; promise: Promise<Snapshot> } | undefined;
  let ensured = false;

  const invalidate = () => {
    generation += 1;
  };

  // A dedicated connection: a subscribed client can run no other command.
  const subscriber = deps.redis.duplicate();
  subscriber.on('error', () => undefined);
  subscriber.on('message', (ch: string) => {
    if (ch === channel) invalidate();
  });
  // After a reconnect, messages sent meanwhile are lost: reload to be safe.
  subscriber.on('ready', invalidate);
  subscriber.subscribe(channel).catch((err: unknown) => logger.warn({ err }, 'signing keys: subscribe failed; relying on the cache TTL'));
  deps.onClose(() => Promise.resolve(subscriber.disconnect()));

  const toPublished = (row: SigningKeyRow): PublishedKey => {
    let publicKey = publicKeys.get(row.kid);
    if (!publicKey) {
      publicKey = createPublicKey(row.publicKeyPem);
      publicKeys.set(row.kid, publicKey);
    }
    return { kid: row.kid, publicKey, publishUntil: row.retiredAt ? (row.publishUntil?.getTime() ?? 0) : undefined };
  };

  const load = async (forGeneration: number): Promise<Snapshot> => {
    if (!ensured) {
      await repository.ensureActive(generate, preferredKey(), windowMs);
      ensured = true;
    }
    let rows = await repository.listPublished(new Date());
    if (rows[0]?.retiredAt !== null) {
      await repository.ensureActive(generate, undefined, windowMs);
      rows = await repository.listPublished(new Date());
    }
    const activeRow = rows[0];
    if (!activeRow || activeRow.retiredAt !== null) throw new Error('No active signing key');
    let privateKey = privateKeys.get(activeRow.kid);
    if (!privateKey) {
      privateKey = openPrivateKey(ring, activeRow.kid, activeRow.privateKeyEncrypted);
      privateKeys.set(activeRow.kid, privateKey);
    }
    return { generation: forGeneration, loadedAt: Date.now(), active: { kid: activeRow.kid, privateKey }, keys: rows.map(toPublished) };
  };

  /** One load per generation at a time; a load started before an invalidation is not reused after it. */
  const reload = (): Promise<Snapshot> => {
    if (loading?.generation === generation) return loading.promise;
    const forGeneration = generation;
    const promise = load(forGeneration).then(
      (fresh) => {
        if (!snapshot || fresh.generation >= snapshot.generation) snapshot = fresh;
        if (loading?.promise === promise) loading = undefined;
        return fresh;
      },
      (err: unknown) => {
        if (loading?.promise === promise) loading = undefined;
        throw err;
      },
    );
    loading = { generation: forGeneration, promise };
    return promise;
  };

  const current = (): Promise<Snapshot> => {
    const s = snapshot;
    if (s && s.generation === generation && Date.now() - s.loadedAt < KEY_CACHE_TTL_MS) return Promise.resolve(s);
    if (!s) return reload();
    // While Postgres does not answer, keep signing and publishing with what we last knew.
    return reload().catch((err: unknown) => {
      logger.warn({ err }, 'signing keys: reload failed; using the cached key set');
      return s;
    });
  };

  const publishedNow = (s: Snapshot) => {
    const now = Date.now();
    return s.keys.filter((k) => k.publishUntil === undefined || k.publishUntil > now);
  };

  return {
    async signingKey() {
      return (await current()).active;
    },

    async verificationKey(kid) {
      if (typeof kid !== 'string' || !KID.test(kid)) return undefined;
      let s = await current();
      let found = publishedNow(s).find((k) => k.kid === kid);
      // Maybe a key another replica just activated, before its message reached us.
      if (!found && Date.now() - s.loadedAt >= UNKNOWN_KID_RELOAD_MS) {
        s = await reload();
        found = publishedNow(s).find((k) => k.kid === kid);
      }
      return found?.publicKey;
    },

    async published() {
      return publishedNow(await current()).map(({ kid, publicKey }) => ({ kid, publicKey }));
    },

    async rotate(actorId) {
      const next = await generate();
      const { previousKid } = await repository.activate(next, windowMs, {
        action: 'signing_key_rotated',
        actorId: actorId ?? null,
        source: 'rotation',
      });
      invalidate();
      privateKeys.set(next.kid, next.privateKey);
      try {
        await deps.redis.publish(channel, next.kid);
      } catch (err) {
        logger.warn({ err }, 'signing keys: rotation message not published; other replicas switch within the cache TTL');
      }
      logger.info({ kid: next.kid, previous_kid: previousKid }, 'signing key rotated');
      return { kid: next.kid };
    },
  };
}
