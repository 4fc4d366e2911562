import type { ActivityChainBreakReason, ActivityChainVerification } from '@sentinel/contracts';
import { Prisma, type Database } from '@sentinel/db';
import { chainHash, ENTRY_COLUMNS, GENESIS_HASH, type ChainedEntry } from './hash';

interface ChainRow extends ChainedEntry {
  seq: bigint;
  chain_entry_id: string;
  hash: string;
  prev_hash: string;
  found: boolean;
}

/**
 * Recomputes the whole chain in seq order, `batchSize` rows at a time (never all in memory), and
 * stops at the first broken link: a gap in seq, a row not linked to its predecessor, a missing
 * entry, or a hash that no longer matches the entry. Entries not chained yet are counted apart
 * (`unchained`): the sequencer chains them on its next pass, so they are not a break.
 */
export async function verifyChain(prisma: Database, options: { batchSize?: number } = {}): Promise<ActivityChainVerification> {
  const batchSize = options.batchSize ?? 1000;
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let after: bigint | undefined;
  for (;;) {
    const rows = await prisma.$queryRaw<ChainRow[]>`
      SELECT c.seq, c.entry_id::text AS chain_entry_id, c.hash, c.prev_hash, l.id IS NOT NULL AS found, ${ENTRY_COLUMNS}
      FROM activity_chain c LEFT JOIN activity_logs l ON l.id = c.entry_id
      ${after === undefined ? Prisma.empty : Prisma.sql`WHERE c.seq > ${after}`}
      ORDER BY c.seq LIMIT ${batchSize}`;
    for (const row of rows) {
      const seq = BigInt(row.seq);
      const reason = await checkRow(prisma, row, seq, expectedSeq, prevHash);
      if (reason) {
        return {
          ok: false,
          checked,
          unchained: await countUnchained(prisma),
          broken_at: { seq: Number(seq), entry_id: row.chain_entry_id, reason },
        };
      }
      checked += 1;
      expectedSeq = seq + 1n;
      prevHash = row.hash;
      after = seq;
    }
    if (rows.length < batchSize) return { ok: true, checked, unchained: await countUnchained(prisma) };
  }
}

async function checkRow(
  prisma: Database,
  row: ChainRow,
  seq: bigint,
  expectedSeq: bigint,
  prevHash: string,
): Promise<ActivityChainBreakReason | undefined> {
  if (seq !== expectedSeq) return 'seq_gap';
  if (row.prev_hash !== prevHash) return 'prev_hash_mismatch';
  if (!row.found) return 'entry_missing';
  if (chainHash(row, prevHash) === row.hash) return undefined;
  // Which side changed: if the next row still links to this row's stored hash, the row is as the
  // sequencer wrote it and the entry was edited; otherwise the row's hash itself was rewritten.
  const [next] = await prisma.$queryRaw<Array<{ prev_hash: string }>>`
    SELECT prev_hash FROM activity_chain WHERE seq > ${seq} ORDER BY seq LIMIT 1`;
  if (!next) return 'hash_mismatch';
  return next.prev_hash === row.hash ? 'entry_modified' : 'chain_row_modified';
}

async function countUnchained(prisma: Database): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM activity_logs l
    WHERE NOT EXISTS (SELECT 1 FROM activity_chain c WHERE c.entry_id = l.id)`;
  return row?.n ?? 0;
}
