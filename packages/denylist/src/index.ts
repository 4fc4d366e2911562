import type { Database, Prisma } from '@sentinel/db';
import type { Redis } from '@sentinel/redis';

/**
 * The access-token denylist. Postgres (`revoked_access_tokens`) is the truth; Redis mirrors it for
 * the gateway's fast path. A flushed or restarted Redis answers "no such key" for everything, so
 * the mirror is trusted only while its completeness marker exists: the marker is set only by a
 * full rebuild, and lives MARKER_TTL_SECONDS unless a rebuild renews it. A revocation whose
 * mirror write fails removes the marker, so readers go to Postgres until the next rebuild.
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
 * round trip of their own (a script or pipeline): the completeness marker, then the entry.
 */
export const mirrorKeys = (jti: string): [marker: string, entry: string] => [MARKER_KEY, entryKey(jti)];

/** What the mirror said about one jti: whether each of mirrorKeys(jti) exists. */
export interface MirrorReading {
  complete: boolean;
  listed: boolean;
}

export interface Denylist {
  /** True when the token id is revoked: the mirror while complete, else Postgres. Fails closed. */
  isRevoked(jti: string): Promise<boolean>;
  /**
   * isRevoked with the mirror read by the caller in its own round trip: `reading` is what
   * mirrorKeys(jti) held, or undefined when Redis could not answer. Same rules: listed → revoked;
   * unlisted and complete → not revoked; anything else → Postgres (which fails closed by throwing).
   */
  decide(jti: string, reading: MirrorReading | undefined): Promise<boolean>;
  /** After the Postgres write has committed: copy revocations to the mirror. */
  mirror(revocations: Revocation[]): Promise<void>;
  /** Copies every live revocation from Postgres to Redis, then (re)sets the marker. */
  rebuild(): Promise<number>;
}

export function createDenylist(deps: { prisma: Database; redis: Redis }): Denylist {
  const { prisma, redis } = deps;

  const inPostgres = async (jti: string) =>
    (await prisma.revokedAccessToken.count({ where: { jti, expiresAt: { gt: new Date() } } })) > 0;

  const decide = (jti: string, reading: MirrorReading | undefined): Promise<boolean> => {
    if (reading?.listed) return Promise.resolve(true);
    if (reading?.complete) return Promise.resolve(false);
    return inPostgres(jti);
  };

  return {
    async isRevoked(jti) {
      let reading: MirrorReading | undefined;
      try {
        const [marker, entry] = await redis.mget(...mirrorKeys(jti));
        reading = { complete: marker !== null, listed: entry !== null };
      } catch {
        // Redis cannot answer: Postgres decides.
      }
      return decide(jti, reading);
    },

    decide,

    async mirror(revocations) {
      if (revocations.length === 0) return;
      try {
        const pipeline = redis.multi();
        for (const r of revocations) {
          const ttl = Math.ceil((r.expiresAt.getTime() - Date.now()) / 1000);
          if (ttl > 0) pipeline.set(entryKey(r.jti), '1', 'EX', ttl);
        }
        const results = await pipeline.exec();
        if (!results || results.some(([err]) => err)) throw new Error('denylist mirror write failed');
      } catch {
        // The mirror may now miss an entry: stop readers from trusting it until a rebuild.
        await redis.del(MARKER_KEY).catch(() => undefined);
      }
    },

    async rebuild() {
      const rows = await prisma.revokedAccessToken.findMany({
        where: { expiresAt: { gt: new Date() } },
        select: { jti: true, expiresAt: true },
      });
      const pipeline = redis.multi();
      for (const row of rows) {
        const ttl = Math.ceil((row.expiresAt.getTime() - Date.now()) / 1000);
        if (ttl > 0) pipeline.set(entryKey(row.jti), '1', 'EX', ttl);
      }
      pipeline.set(MARKER_KEY, '1', 'EX', MARKER_TTL_SECONDS);
      const results = await pipeline.exec();
      if (!results || results.some(([err]) => err)) throw new Error('denylist rebuild failed');
      return rows.length;
    },
  };
}
