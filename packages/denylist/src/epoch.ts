import type { Database } from '@sentinel/db';
import type { Redis } from '@sentinel/redis';

/**
 * The denylist epoch: a counter in Postgres (`denylist_epoch`, one row) that every revocation
 * whose Redis mirror write failed bumps before it is acknowledged. The mirror's completeness
 * marker holds `<epoch>:<run_id>`: the epoch its rebuild read before reading the revocations, and
 * the run_id of the Redis server it was written to. A reader trusts "complete and not listed"
 * only when the marker equals what it knows now: the current epoch (read from Postgres at most
 * `maxAgeMs` ago) and the run_id of the server its connection reaches. So a marker that survived a
 * failed mirror write (a cut connection, an outage during which the delete failed too) carries an
 * old epoch, and one restored from a snapshot, or left on a replica that took over, carries
 * another server's run_id (that server may have lost acknowledged writes): neither is trusted.
 */
export const DEFAULT_EPOCH_MAX_AGE_MS = 1000;

/** The current epoch (0 before the first bump). */
export async function readEpoch(prisma: Database): Promise<string> {
  const row = await prisma.denylistEpoch.findUnique({ where: { id: 1 }, select: { value: true } });
  return String(row?.value ?? 0n);
}

/** Makes every marker written so far untrustworthy. Atomic: one upsert (INSERT … ON CONFLICT). */
export async function bumpEpoch(prisma: Database): Promise<void> {
  await prisma.denylistEpoch.upsert({ where: { id: 1 }, create: { id: 1, value: 1 }, update: { value: { increment: 1 } } });
}

/** The run_id of the Redis server this connection reaches (new at every start of redis-server). */
export async function redisRunId(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  const runId = /^run_id:(\w+)/m.exec(info)?.[1];
  if (!runId) throw new Error('Redis INFO has no run_id');
  return runId;
}

export const markerValue = (epoch: string, runId: string) => `${epoch}:${runId}`;

export interface EpochWatch {
  /** Whether a completeness marker with this value may be trusted now. */
  trusts(marker: string | null): boolean;
  close(): void;
}

/**
 * What one process knows of the epoch and of its Redis server, kept fresh: re-read every
 * maxAgeMs / 2 (one read at a time) and trusted for maxAgeMs from the moment the read started;
 * forgotten whenever the Redis connection closes (re-read once it is ready again), and whenever
 * a read fails. Knowing nothing means distrust: Postgres decides. Hence the bound: a revocation
 * acknowledged at time t (its epoch bumped before) is refused by every process from t + maxAgeMs.
 */
export function watchEpoch(deps: { prisma: Database; redis: Redis; maxAgeMs: number }): EpochWatch {
  const { prisma, redis, maxAgeMs } = deps;
  let known: { marker: string; readAt: number } | undefined;
  let generation = 0; // bumped on every loss of the Redis connection
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const forget = () => {
    generation += 1;
    known = undefined;
  };
  const refresh = async () => {
    const seen = generation;
    const readAt = Date.now();
    try {
      const [epoch, runId] = await Promise.all([readEpoch(prisma), redisRunId(redis)]);
      // A reconnect during the read: the run_id may belong to the server before it.
      if (seen !== generation || closed || (known && known.readAt > readAt)) return;
      known = { marker: markerValue(epoch, runId), readAt };
    } catch {
      if (seen === generation) known = undefined;
    }
  };
  const loop = async () => {
    await refresh();
    if (closed) return;
    timer = setTimeout(() => void loop(), Math.max(1, Math.floor(maxAgeMs / 2)));
    timer.unref();
  };
  const onReady = () => void refresh();
  const lost = ['close', 'reconnecting', 'end'] as const;
  for (const event of lost) redis.on(event, forget);
  redis.on('ready', onReady);
  void loop();

  return {
    trusts: (marker) => marker !== null && known !== undefined && Date.now() - known.readAt <= maxAgeMs && marker === known.marker,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const event of lost) redis.off(event, forget);
      redis.off('ready', onReady);
    },
  };
}
