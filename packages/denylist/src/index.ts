import type { Database, Prisma } from '@sentinel/db';
import { HttpError } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import { bumpEpoch, DEFAULT_EPOCH_MAX_AGE_MS, markerValue, readEpoch, redisRunId, watchEpoch } from './epoch';

/**
 * The access-token denylist. Postgres (`revoked_access_tokens`) is the truth; Redis mirrors it for
 * the gateway's fast path. A flushed, restarted or unreachable Redis may miss entries, so the
 * mirror is trusted only while its completeness marker holds what the reader knows now: the
 * denylist epoch kept in Postgres and the run_id of the Redis server (see ./epoch). The marker is
 * set only by a full rebuild (epoch, run_id, then the rows, then the entries and the marker
 * last) and lives MARKER_TTL_SECONDS unless a rebuild renews it. A revocation whose mirror
 * write fails bumps the epoch before it is acknowledged (or fails with 503), so every reader
 * stops trusting the mirror within the epoch's max age (DENYLIST_EPOCH_MAX_AGE_MS, 1 s by
 * default) and asks Postgres until the next rebuild. Redis must not evict keys (noeviction): an
 * evicted entry under a current marker would go unnoticed.
 */
export const MARKER_KEY = 'denylist:complete';
export const entryKey = (jti: string) => `denylist:jti:${jti}`;
export const MARKER_TTL_SECONDS = 60;

export interface Revocation {
  jti: string;
  userId?: string | null;
  expiresAt: Date;
  reason: string;
}

export type DenylistWriter = Pick<Prisma.TransactionClient, 'revokedAccessToken'>;

/** Writes revocations to Postgres, inside the caller's transaction. Expired ones are skipped. */
export async function recordRevocations(db: DenylistWriter, revocations: Revocation[]): Promise<Revocation[]> {
  const live = revocations.filter((r) => r.expiresAt.getTime() > Date.now());
  if (live.length > 0) {
    await db.revokedAccessToken.createMany({
      data: live.map((r) => ({ jti: r.jti, userId: r.userId ?? null, expiresAt: r.expiresAt, reason: r.reason })),
      skipDuplicates: true,
    });
  }
  return live;
}

/**
 * The mirror keys one check reads, in this order, for callers that fold the look-up into a Redis
 * round trip of their own (a script or pipeline): the completeness marker (its value), then the
 * entry (whether it exists).
 */
export const mirrorKeys = (jti: string): [marker: string, entry: string] => [MARKER_KEY, entryKey(jti)];

/** What the mirror said about one jti: the marker's value (null when absent), whether the entry exists. */
export interface MirrorReading {
  marker: string | null;
  listed: boolean;
}

export interface Denylist {
  /** True when the token id is revoked: the mirror while trusted, else Postgres. Fails closed. */
  isRevoked(jti: string): Promise<boolean>;
  /**
   * isRevoked with the mirror read by the caller in its own round trip: `reading` is what
   * mirrorKeys(jti) held, or undefined when Redis could not answer. Same rules: listed → revoked;
   * unlisted and a trusted marker → not revoked; anything else → Postgres (which fails closed by
   * throwing).
   */
  decide(jti: string, reading: MirrorReading | undefined): Promise<boolean>;
  /**
   * After the Postgres write has committed: copy revocations to the mirror. When that fails,
   * bumps the epoch before returning; rejects with a 503 HttpError when even that fails (the
   * revocation is in Postgres, but readers might trust the mirror without it: do not acknowledge).
   */
  mirror(revocations: Revocation[]): Promise<void>;
}

export interface DenylistDeps {
  prisma: Database;
  redis: Redis;
  /** Stops the epoch watch when the process or the test closes. */
  onClose(closer: () => Promise<unknown>): void;
  /** How long an epoch read from Postgres is trusted (default DEFAULT_EPOCH_MAX_AGE_MS). */
  epochMaxAgeMs?: number;
}

const ttlOf = (expiresAt: Date) => Math.ceil((expiresAt.getTime() - Date.now()) / 1000);

/**
 * Sets keys with their values and TTLs in one script call per chunk, in order. One command, not a
 * MULTI: ioredis can leave a transaction's inner replies rejected and unhandled when the
 * connection drops mid-transaction, which would end the process.
 */
const WRITE_SCRIPT = `
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'EX', ARGV[2 * i])
end
return #KEYS`;
const WRITE_CHUNK = 1000;
type ScriptedRedis = Redis & { sentinelDenylistWrite(numKeys: number, ...args: Array<string | number>): Promise<number> };

async function setAll(redis: Redis, items: Array<{ key: string; value: string; ttl: number }>): Promise<void> {
  if (!('sentinelDenylistWrite' in redis)) redis.defineCommand('sentinelDenylistWrite', { lua: WRITE_SCRIPT });
  const live = items.filter((item) => item.ttl > 0);
  for (let at = 0; at < live.length; at += WRITE_CHUNK) {
    const chunk = live.slice(at, at + WRITE_CHUNK);
    await (redis as ScriptedRedis).sentinelDenylistWrite(chunk.length, ...chunk.map((i) => i.key), ...chunk.flatMap((i) => [i.value, i.ttl]));
  }
}

const entryItem = (e: { jti: string; expiresAt: Date }) => ({ key: entryKey(e.jti), value: '1', ttl: ttlOf(e.expiresAt) });

/** Writes mirror entries; false when Redis is not connected or the write failed. */
async function writeEntries(redis: Redis, entries: Array<{ jti: string; expiresAt: Date }>): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    await setAll(redis, entries.map(entryItem));
    return true;
  } catch {
    return false;
  }
}

export function createDenylist(deps: DenylistDeps): Denylist {
  const { prisma, redis } = deps;
  const epoch = watchEpoch({ prisma, redis, maxAgeMs: deps.epochMaxAgeMs ?? DEFAULT_EPOCH_MAX_AGE_MS });
  deps.onClose(() => Promise.resolve(epoch.close()));

  const inPostgres = async (jti: string) =>
    (await prisma.revokedAccessToken.count({ where: { jti, expiresAt: { gt: new Date() } } })) > 0;

  const decide = (jti: string, reading: MirrorReading | undefined): Promise<boolean> => {
    if (reading?.listed) return Promise.resolve(true);
    if (reading && epoch.trusts(reading.marker)) return Promise.resolve(false);
    return inPostgres(jti);
  };

  return {
    async isRevoked(jti) {
      let reading: MirrorReading | undefined;
      // Redis not connected or not answering: Postgres decides.
      if (redis.status === 'ready') {
        try {
          const [marker, entry] = await redis.mget(...mirrorKeys(jti));
          reading = { marker: marker ?? null, listed: entry !== null && entry !== undefined };
        } catch {
          reading = undefined;
        }
      }
      return decide(jti, reading);
    },

    decide,

    async mirror(revocations) {
      if (revocations.length === 0) return;
      if (await writeEntries(redis, revocations)) return;
      // The mirror may now miss an entry, and deleting the marker may fail too (Redis down, the
      // connection cut): fence the mirror in Postgres before the revocation is acknowledged.
      try {
        await bumpEpoch(prisma);
      } catch {
        throw new HttpError('unavailable', 'Service unavailable', { headers: { 'retry-after': '1' } });
      }
      // Best effort, not awaited: readers that reach Redis stop trusting it at once.
      if (redis.status === 'ready') redis.del(MARKER_KEY).catch(() => undefined);
    },
  };
}

/**
 * Copies every live revocation from Postgres to Redis, then (re)sets the marker, written last.
 * The epoch and the server's run_id are read before the rows: a bump or a Redis restart after
 * those reads leaves a marker no reader trusts, never a trusted marker missing an entry.
 */
export async function rebuildMirror(deps: { prisma: Database; redis: Redis }): Promise<number> {
  const { prisma, redis } = deps;
  const epoch = await readEpoch(prisma);
  const runId = await redisRunId(redis);
  const rows = await prisma.revokedAccessToken.findMany({
    where: { expiresAt: { gt: new Date() } },
    select: { jti: true, expiresAt: true },
  });
  // The marker last: until it is written, no reader trusts entries that may still be missing.
  await setAll(redis, [...rows.map(entryItem), { key: MARKER_KEY, value: markerValue(epoch, runId), ttl: MARKER_TTL_SECONDS }]);
  return rows.length;
}
