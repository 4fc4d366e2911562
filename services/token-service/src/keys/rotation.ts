import { createKeyRing } from '@sentinel/crypto';
import { signingKeysChangedChannel, type SigningKeysChanged } from '@sentinel/contracts';
import type { ServiceDeps } from '@sentinel/runtime';
import type { Config } from '../config';
import { generateKeyMaterial } from './material';
import { createSigningKeyRepository, type Installed } from './repository';

/**
 * How long a process trusts its cached key set without hearing from Redis. Pub/sub makes every
 * replica reload at once after a rotation; this bounds the staleness when a message was lost.
 */
export const KEY_CACHE_TTL_MS = 5_000;
/** jose's createRemoteJWKSet refetches a key set for an unknown kid at most once per 30 s (its cooldown). */
export const JOSE_COOLDOWN_SECONDS = 30;
const DAY_MS = 86_400_000;

type LifetimeConfig = Pick<Config, 'ACCESS_TOKEN_EXPIRE_MINUTES' | 'ADMIN_TOKEN_EXPIRE_MINUTES' | 'JWT_CLOCK_SKEW_SECONDS'>;

/**
 * How long a retired key stays in the JWKS after it stopped signing: the longest lifetime of a
 * JWT we sign (access or admin; refresh tokens are opaque), plus the accepted clock skew, plus the
 * cache TTL (a replica that missed the rotation message may sign with the old key for that long).
 */
export function publishWindowMs(config: LifetimeConfig): number {
  const longestSeconds = Math.ceil(Math.max(config.ACCESS_TOKEN_EXPIRE_MINUTES, config.ADMIN_TOKEN_EXPIRE_MINUTES) * 60);
  return (longestSeconds + config.JWT_CLOCK_SKEW_SECONDS) * 1000 + KEY_CACHE_TTL_MS;
}

/**
 * How long a new key is published before it signs, so that no verifier that caches the JWKS
 * meets its kid before it has the key: by default the max-age we advertise (an HTTP cache may
 * hold the set that long) plus jose's cooldown (a verifier that fetched just before may not
 * fetch again for that long) plus the cache TTL (a replica that missed the message publishes the
 * new key that much later).
 */
export function publishAheadMs(config: Pick<Config, 'SIGNING_KEY_PUBLISH_AHEAD_SECONDS' | 'JWKS_CACHE_CONTROL_MAX_AGE_SECONDS'>): number {
  const seconds = config.SIGNING_KEY_PUBLISH_AHEAD_SECONDS ?? config.JWKS_CACHE_CONTROL_MAX_AGE_SECONDS + JOSE_COOLDOWN_SECONDS + KEY_CACHE_TTL_MS / 1000;
  return seconds * 1000;
}

export interface RotationResult {
  kid: string;
  activeAt: Date;
  /** Kids dropped from the JWKS at once (emergency rotation): their tokens are refused from now on. */
  refusedKids: string[];
}

export interface KeyRotation {
  /**
   * Makes a new key. Normally it is published now and signs after the publish-ahead period;
   * `immediate` (the old key is compromised) signs with it now and drops every other key.
   */
  rotate(options?: { actorId?: string | null; immediate?: boolean }): Promise<RotationResult>;
  /** The scheduled rotation: one new key if the newest is SIGNING_KEY_ROTATION_DAYS old (never when 0). */
  rotateIfDue(): Promise<RotationResult | undefined>;
}

/** A sentence for people: what an emergency rotation did to the tokens of the old keys. */
export function refusalNotice(refusedKids: string[]): string {
  const named = refusedKids.length > 0 ? `the key(s) ${refusedKids.join(', ')}` : 'no other key';
  return `Emergency rotation: ${named} removed from the JWKS; every access and admin token they signed is now refused (clients refresh, admins sign in again).`;
}

/**
 * Key rotation over the database (the advisory lock decides between replicas) and Redis (every
 * token-service replica reloads and every gateway re-fetches the JWKS on the message).
 */
export function createKeyRotation(deps: Pick<ServiceDeps<Config>, 'config' | 'logger' | 'prisma' | 'redis'>): KeyRotation {
  const { config, logger } = deps;
  const ring = createKeyRing({ current: config.ENCRYPTION_KEY, previous: config.ENCRYPTION_KEY_PREVIOUS });
  const repository = createSigningKeyRepository(deps.prisma, ring);
  const generate = () => generateKeyMaterial(config.JWT_KEY_BITS);
  const windowMs = publishWindowMs(config);
  const aheadMs = publishAheadMs(config);

  const announce = async (installed: Installed): Promise<RotationResult> => {
    const message: SigningKeysChanged = { kid: installed.kid, refused_kids: installed.refusedKids };
    try {
      await deps.redis.publish(signingKeysChangedChannel(config.REDIS_KEY_PREFIX), JSON.stringify(message));
    } catch (err) {
      logger.warn({ err }, 'signing keys: rotation message not published; replicas and gateways catch up within their cache TTL');
    }
    logger.info(
      { kid: installed.kid, previous_kid: installed.previousKid, activates_at: installed.activatesAt.toISOString(), refused_kids: installed.refusedKids },
      installed.refusedKids.length > 0 ? 'signing key rotated (emergency)' : 'signing key rotation scheduled',
    );
    return { kid: installed.kid, activeAt: installed.activatesAt, refusedKids: installed.refusedKids };
  };

  return {
    async rotate({ actorId = null, immediate = false } = {}) {
      const next = await generate();
      const schedule = immediate ? { immediate: true as const } : { immediate: false as const, aheadMs };
      const installed = await repository.install(next, schedule, windowMs, {
        action: 'signing_key_rotated',
        actorId,
        source: immediate ? 'emergency' : 'rotation',
      });
      return announce(installed);
    },

    async rotateIfDue() {
      if (config.SIGNING_KEY_ROTATION_DAYS === 0) return undefined;
      const installed = await repository.installIfDue(generate, config.SIGNING_KEY_ROTATION_DAYS * DAY_MS, aheadMs, windowMs);
      return installed ? announce(installed) : undefined;
    },
  };
}
