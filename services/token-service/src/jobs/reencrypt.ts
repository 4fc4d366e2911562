import { aadFor, createKeyRing, type KeyRing } from '@sentinel/crypto';
import { Prisma, type Database } from '@sentinel/db';
import type { Logger } from '@sentinel/http';
import { startPeriodicJob, type ServiceDeps } from '@sentinel/runtime';
import type { Config } from '../config';

/**
 * Every column that holds an envelope of @sentinel/crypto, whichever service writes it. Its
 * associated data is always aadFor(table, column, <the row's id column>). A new encrypted column
 * is added here, and nowhere else, to be covered by re-encryption.
 */
export interface EncryptedColumn {
  table: string;
  column: string;
  idColumn: string;
  idType: 'text' | 'uuid';
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'signing_keys', column: 'private_key_encrypted', idColumn: 'kid', idType: 'text' },
  { table: 'social_accounts', column: 'access_token_encrypted', idColumn: 'id', idType: 'uuid' },
  { table: 'social_accounts', column: 'refresh_token_encrypted', idColumn: 'id', idType: 'uuid' },
];

export interface ReencryptionResult {
  reencrypted: number;
  /** Rows that could not be decrypted (unknown key, tampered) or changed under us meanwhile. */
  skipped: number;
}

export interface ReencryptOptions {
  batchSize?: number;
  columns?: readonly EncryptedColumn[];
}

const ident = (name: string) => Prisma.raw(`"${name.replace(/"/g, '""')}"`);

/**
 * One pass over every encrypted column: each row whose envelope is not under the ring's current
 * key is decrypted (the ring also holds ENCRYPTION_KEY_PREVIOUS) and encrypted again, in small
 * batches. Each row is written with a compare-and-set on its old value, so replicas running the
 * same pass, or a service rewriting the value meanwhile, are never overwritten.
 */
export async function reencryptAll(prisma: Database, ring: KeyRing, logger: Logger, options: ReencryptOptions = {}): Promise<ReencryptionResult> {
  const batchSize = options.batchSize ?? 50;
  const result: ReencryptionResult = { reencrypted: 0, skipped: 0 };
  // Envelopes are written by JSON.stringify with a fixed field order; the kid is hex.
  const currentMarker = `%"kid":"${ring.currentKid}"%`;
  for (const c of options.columns ?? ENCRYPTED_COLUMNS) {
    const [table, column, id, idType] = [ident(c.table), ident(c.column), ident(c.idColumn), Prisma.raw(c.idType)];
    let after: string | undefined;
    for (;;) {
      const rows = await prisma.$queryRaw<Array<{ id: string; value: string }>>`
        SELECT ${id}::text AS id, ${column} AS value FROM ${table}
        WHERE ${column} IS NOT NULL AND ${column} NOT LIKE ${currentMarker}
          ${after === undefined ? Prisma.empty : Prisma.sql`AND ${id} > CAST(${after} AS ${idType})`}
        ORDER BY ${id} LIMIT ${batchSize}`;
      for (const row of rows) {
        if (ring.isCurrent(row.value)) continue;
        const aad = aadFor(c.table, c.column, row.id);
        let renewed: string;
        try {
          renewed = ring.encrypt(ring.decrypt(row.value, aad), aad);
        } catch (err) {
          result.skipped += 1;
          // Names the row, never its content.
          logger.warn({ table: c.table, column: c.column, id: row.id, reason: (err as Error).message }, 're-encryption: row not readable');
          continue;
        }
        const updated = await prisma.$executeRaw`
          UPDATE ${table} SET ${column} = ${renewed}
          WHERE ${id} = CAST(${row.id} AS ${idType}) AND ${column} = ${row.value}`;
        if (updated === 1) result.reencrypted += 1;
        else result.skipped += 1;
      }
      if (rows.length < batchSize) break;
      after = rows[rows.length - 1]?.id;
    }
  }
  return result;
}

/**
 * The service's background re-encryption: once right at start, then every REENCRYPT_INTERVAL_MS
 * (a pass still running is not started twice). Stopped, after the pass in flight, on close.
 */
export function startReencryption(deps: ServiceDeps<Config>): void {
  const { config, logger } = deps;
  const ring = createKeyRing({ current: config.ENCRYPTION_KEY, previous: config.ENCRYPTION_KEY_PREVIOUS });
  const job = startPeriodicJob(
    { intervalMs: config.REENCRYPT_INTERVAL_MS, logger, failureMessage: 're-encryption pass failed; retrying at the next interval' },
    async () => {
      const { reencrypted, skipped } = await reencryptAll(deps.prisma, ring, logger);
      if (reencrypted > 0 || skipped > 0) logger.info({ reencrypted, skipped, kid: ring.currentKid }, 're-encryption pass done');
    },
  );
  deps.onClose(job.close);
}
