import { createPublicKey, type KeyObject } from 'node:crypto';
import { createKeyRing } from '@sentinel/crypto';
import { signingKeysChangedChannel } from '@sentinel/contracts';
import type { ServiceDeps } from '@sentinel/runtime';
import type { Config } from '../config';
import { generateKeyMaterial, loadKeyMaterial, openPrivateKey, type KeyMaterial } from './material';
import { createSigningKeyRepository, publishedOrder, signerOf, type SigningKeyRow } from './repository';
import { createKeyRotation, KEY_CACHE_TTL_MS, publishAheadMs, publishWindowMs, type RotationResult } from './rotation';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface KeyStore {
  /** The key that signs now (cached; never decrypted per call). */
  signingKey(): Promise<SigningKey>;
  /** The public key of a kid that is ours and still published; undefined otherwise, junk kids included. */
  verificationKey(kid: string): Promise<KeyObject | undefined>;
  /** Every published key: the one that signs first, then the next one, then retired ones. */
  published(): Promise<Array<{ kid: string; publicKey: KeyObject }>>;
  /**
   * A new key, published now and signing after the publish-ahead period while the old one signs
   * on; `immediate`: it signs now and every other key is dropped (their tokens are refused).
   */
  rotate(options?: { actorId?: string; immediate?: boolean }): Promise<RotationResult>;
}

/** An unknown (well-formed) kid reloads the key set at most this often. */
const UNKNOWN_KID_RELOAD_MS = 1_000;
/** A kid is an RFC 7638 thumbprint: SHA-256, base64url, 43 characters. */
const KID = /^[A-Za-z0-9_-]{43}$/;

interface PublishedKey {
  kid: string;
  publicKey: KeyObject;
  privateKeyEncrypted: string;
  /** Epoch ms from which the key signs (it is published before). */
  activatesAt: number;
  /** Epoch ms after which the key is no longer published; undefined while no successor is scheduled. */
  publishUntil: number | undefined;
}

interface Snapshot {
  generation: number;
  loadedAt: number;
  keys: PublishedKey[];
}

export function createKeyStore(deps: ServiceDeps<Config>): KeyStore {
  const { config, logger } = deps;
  const ring = createKeyRing({ current: config.ENCRYPTION_KEY, previous: config.ENCRYPTION_KEY_PREVIOUS });
  const repository = createSigningKeyRepository(deps.prisma, ring);
  const rotation = createKeyRotation(deps);
  const windowMs = publishWindowMs(config);
  const aheadMs = publishAheadMs(config);
  const channel = signingKeysChangedChannel(config.REDIS_KEY_PREFIX);
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
    return {
      kid: row.kid,
      publicKey,
      privateKeyEncrypted: row.privateKeyEncrypted,
      activatesAt: row.activatesAt.getTime(),
      publishUntil: row.publishUntil?.getTime(),
    };
  };

  const load = async (forGeneration: number): Promise<Snapshot> => {
    if (!ensured) {
      await repository.ensureActive(generate, preferredKey(), windowMs, aheadMs);
      ensured = true;
    }
    let rows = await repository.listPublished(new Date());
    if (!signerOf(rows, Date.now())) {
      await repository.ensureActive(generate, undefined, windowMs, aheadMs);
      rows = await repository.listPublished(new Date());
    }
    if (!signerOf(rows, Date.now())) throw new Error('No active signing key');
    return { generation: forGeneration, loadedAt: Date.now(), keys: rows.map(toPublished) };
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

  /** The snapshot's keys still published now, in the JWKS order (the signer is chosen by the clock, not by a reload). */
  const publishedNow = (s: Snapshot) => {
    const now = Date.now();
    return publishedOrder(
      s.keys.filter((k) => k.publishUntil === undefined || k.publishUntil > now),
      now,
    );
  };

  const privateKeyOf = (key: PublishedKey): KeyObject => {
    let privateKey = privateKeys.get(key.kid);
    if (!privateKey) {
      privateKey = openPrivateKey(ring, key.kid, key.privateKeyEncrypted);
      privateKeys.set(key.kid, privateKey);
    }
    return privateKey;
  };

  return {
    async signingKey() {
      let signer = signerOf(publishedNow(await current()), Date.now());
      // Only if the set we hold has none left (never expected): read it again.
      signer ??= signerOf(publishedNow(await reload()), Date.now());
      if (!signer) throw new Error('No active signing key');
      return { kid: signer.kid, privateKey: privateKeyOf(signer) };
    },

    async verificationKey(kid) {
      if (typeof kid !== 'string' || !KID.test(kid)) return undefined;
      let s = await current();
      let found = publishedNow(s).find((k) => k.kid === kid);
      // Maybe a key another replica just made, before its message reached us.
      if (!found && Date.now() - s.loadedAt >= UNKNOWN_KID_RELOAD_MS) {
        s = await reload();
        found = publishedNow(s).find((k) => k.kid === kid);
      }
      return found?.publicKey;
    },

    async published() {
      return publishedNow(await current()).map(({ kid, publicKey }) => ({ kid, publicKey }));
    },

    async rotate(options = {}) {
      const result = await rotation.rotate(options);
      invalidate();
      return result;
    },
  };
}
