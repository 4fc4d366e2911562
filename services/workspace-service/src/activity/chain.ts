import { advisoryLockKey, Prisma, type Database } from '@sentinel/db';
import { startPeriodicJob, type ServiceDeps } from '@sentinel/runtime';
import type { Config } from '../config';
import { chainHash, ENTRY_COLUMNS, GENESIS_HASH, type ChainedEntry } from './hash';

/** Held (per transaction) by whichever sequencer is appending; request transactions never take it. */
const SEQUENCER_LOCK = Prisma.raw(advisoryLockKey('sentinel:activity-chain'));

export const DEFAULT_CHAIN_BATCH = 500;

export interface ChainBatchResult {
  /** False when another sequencer (another replica) holds the lock: this one did nothing. */
  acquired: boolean;
  chained: number;
}

/**
 * One batch of the sequencer, in one transaction: if no other sequencer holds the advisory lock,
 * appends a chain row for each of up to `batchSize` entries not chained yet, in (created_at, id)
 * order. An entry that commits after later ones were chained is simply chained in a later batch:
 * seq is the order of chaining, not of creation. The unique entry_id and the seq primary key make
 * a duplicate or a fork fail even if the lock were bypassed.
 */
export async function chainBatch(prisma: Database, batchSize = DEFAULT_CHAIN_BATCH): Promise<ChainBatchResult> {
  return prisma.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<Array<{ acquired: boolean }>>`SELECT pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) AS acquired`;
      if (!lock?.acquired) return { acquired: false, chained: 0 };
      // Read committed: these statements run after the lock, so they see every earlier batch.
      const [head] = await tx.$queryRaw<Array<{ seq: bigint; hash: string }>>`
        SELECT seq, hash FROM activity_chain ORDER BY seq DESC LIMIT 1`;
      const entries = await tx.$queryRaw<ChainedEntry[]>`
        SELECT ${ENTRY_COLUMNS} FROM activity_logs l
        WHERE NOT EXISTS (SELECT 1 FROM activity_chain c WHERE c.entry_id = l.id)
        ORDER BY l.created_at, l.id LIMIT ${batchSize}`;
      let seq = head ? BigInt(head.seq) : 0n;
      let prevHash = head?.hash ?? GENESIS_HASH;
      const rows = entries.map((entry) => {
        seq += 1n;
        const hash = chainHash(entry, prevHash);
        const row = { seq, entryId: entry.id, hash, prevHash };
        prevHash = hash;
        return row;
      });
      if (rows.length > 0) await tx.activityChain.createMany({ data: rows });
      return { acquired: true, chained: rows.length };
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

/**
 * Chains everything pending, batch after batch, until a batch comes back short or another
 * sequencer holds the lock (that one carries on). Returns how many entries this call chained.
 */
export async function chainPending(
  prisma: Database,
  options: { batchSize?: number; stopped?: () => boolean } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_CHAIN_BATCH;
  let total = 0;
  for (;;) {
    const { acquired, chained } = await chainBatch(prisma, batchSize);
    total += chained;
    if (!acquired || chained < batchSize || options.stopped?.()) return total;
  }
}

/**
 * workspace-service's background sequencer: once at start, then every ACTIVITY_CHAIN_INTERVAL_MS
 * (a pass still running is not started twice). Every replica runs it; the advisory lock lets one
 * work at a time. Stopped, after the batch in flight, on close.
 */
export function startActivitySequencer(deps: ServiceDeps<Config>): void {
  const { prisma, logger, config } = deps;
  const job = startPeriodicJob(
    { intervalMs: config.ACTIVITY_CHAIN_INTERVAL_MS, logger, failureMessage: 'activity chain pass failed; retrying at the next interval' },
    async (stopped) => {
      const chained = await chainPending(prisma, { stopped });
      if (chained > 0) logger.debug({ chained }, 'activity entries chained');
    },
  );
  deps.onClose(job.close);
}
