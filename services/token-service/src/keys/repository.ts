import { advisoryLockKey, recordActivity, type Database, type Prisma } from '@sentinel/db';
import type { KeyRing } from '@sentinel/crypto';
import { sealPrivateKey, type KeyMaterial } from './material';

/** Every change of the key set holds this transaction-scoped lock, so replicas never race. */
const SIGNING_KEYS_LOCK = advisoryLockKey('sentinel:signing-keys');

export interface SigningKeyRow {
  kid: string;
  publicKeyPem: string;
  privateKeyEncrypted: string;
  activatesAt: Date;
  retiredAt: Date | null;
  publishUntil: Date | null;
}

const rowSelect = { kid: true, publicKeyPem: true, privateKeyEncrypted: true, activatesAt: true, retiredAt: true, publishUntil: true } as const;

/** Rows still published at `now` (a dropped or expired key is not). */
const live = (now: Date) => ({ OR: [{ publishUntil: null }, { publishUntil: { gt: now } }] });

/** The key that signs at `now`: the newest published one whose activation time has come. */
export function signerOf<T extends { activatesAt: Date | number }>(rows: T[], now: number): T | undefined {
  let signer: T | undefined;
  for (const row of rows) {
    const at = +row.activatesAt;
    if (at <= now && (!signer || at > +signer.activatesAt)) signer = row;
  }
  return signer;
}

/** The JWKS order: the signing key, then keys still to come (the next first), then retired ones, newest first. */
export function publishedOrder<T extends { activatesAt: Date | number }>(rows: T[], now: number): T[] {
  const signer = signerOf(rows, now);
  const rest = rows.filter((r) => r !== signer);
  const pending = rest.filter((r) => +r.activatesAt > now).sort((a, b) => +a.activatesAt - +b.activatesAt);
  const retired = rest.filter((r) => +r.activatesAt <= now).sort((a, b) => +b.activatesAt - +a.activatesAt);
  return [...(signer ? [signer] : []), ...pending, ...retired];
}

export interface Activity {
  action: string;
  actorId?: string | null;
  source: string;
}

export interface Installed {
  kid: string;
  activatesAt: Date;
  previousKid: string | null;
  /** Kids dropped from the key set at once (emergency rotation): their tokens are refused. */
  refusedKids: string[];
}

/** When the new key signs: `now` and dropping every other key (emergency), or `aheadMs` after now. */
export type Schedule = { immediate: true } | { immediate: false; aheadMs: number };

export interface SigningKeyRepository {
  /** Every key still published at `now`, in the JWKS order. */
  listPublished(now: Date): Promise<SigningKeyRow[]>;
  /**
   * Makes sure a key signs. `preferred` (the operator's file key) never stored before is installed:
   * at once when no key signs, else published ahead by `aheadMs` like a rotation. Otherwise
   * `make()` is called only when no key signs at all.
   */
  ensureActive(make: () => Promise<KeyMaterial>, preferred: KeyMaterial | undefined, windowMs: number, aheadMs: number): Promise<void>;
  /** Installs `next` on `schedule`; the key it succeeds stays published `windowMs` after it stops signing. */
  install(next: KeyMaterial, schedule: Schedule, windowMs: number, activity: Activity): Promise<Installed>;
  /** The activation time of the newest published key (pending ones included), or undefined. */
  newestActivation(): Promise<Date | undefined>;
  /**
   * Installs `make()`'s key, published ahead, only if the newest key is at least `everyMs` old —
   * decided under the lock, so that of several replicas exactly one rotates.
   */
  installIfDue(make: () => Promise<KeyMaterial>, everyMs: number, aheadMs: number, windowMs: number): Promise<Installed | undefined>;
}

async function lock(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEYS_LOCK}::bigint)::text AS locked`;
}

const publishedRows = (tx: Prisma.TransactionClient | Database, now: Date) =>
  tx.signingKey.findMany({ where: live(now), orderBy: { activatesAt: 'desc' }, select: rowSelect });

export function createSigningKeyRepository(prisma: Database, ring: KeyRing): SigningKeyRepository {
  /** Under the lock. */
  const installLocked = async (tx: Prisma.TransactionClient, next: KeyMaterial, schedule: Schedule | { at: Date }, windowMs: number, activity: Activity) => {
    const now = new Date();
    const rows = await publishedRows(tx, now);
    const previousKid = signerOf(rows, now.getTime())?.kid ?? null;
    let activatesAt: Date;
    let refusedKids: string[] = [];
    if ('at' in schedule) {
      activatesAt = schedule.at;
    } else if (schedule.immediate) {
      activatesAt = now;
      refusedKids = rows.map((r) => r.kid);
      await tx.signingKey.updateMany({ where: { kid: { in: refusedKids }, OR: [{ retiredAt: null }, { retiredAt: { gt: now } }] }, data: { retiredAt: now } });
      await tx.signingKey.updateMany({ where: { kid: { in: refusedKids } }, data: { publishUntil: now } });
    } else {
      // After every key already scheduled, even one a replica with a longer publish-ahead made.
      const newest = rows[0]?.activatesAt.getTime() ?? 0;
      activatesAt = new Date(Math.max(now.getTime() + schedule.aheadMs, newest + 1));
    }
    if (!('immediate' in schedule && schedule.immediate)) {
      // The key that signs right before the new one stops at its activation; its last tokens stay verifiable.
      const predecessor = signerOf(rows, activatesAt.getTime() - 1);
      if (predecessor && predecessor.retiredAt === null) {
        await tx.signingKey.update({
          where: { kid: predecessor.kid },
          data: { retiredAt: activatesAt, publishUntil: new Date(activatesAt.getTime() + windowMs) },
        });
      }
    }
    await tx.signingKey.create({
      data: {
        kid: next.kid,
        algorithm: 'RS256',
        publicKeyPem: next.publicKeyPem,
        privateKeyEncrypted: sealPrivateKey(ring, next.kid, next.privateKey),
        activatesAt,
      },
    });
    // activity_logs.target_id is a UUID column and a kid is not one: the kid goes in the detail.
    await recordActivity(tx, {
      action: activity.action,
      actorId: activity.actorId ?? null,
      targetType: 'signing_key',
      detail: { kid: next.kid, previous_kid: previousKid, source: activity.source, activates_at: activatesAt.toISOString(), refused_kids: refusedKids },
    });
    return { kid: next.kid, activatesAt, previousKid, refusedKids };
  };

  const signsNow = async (tx: Prisma.TransactionClient | Database) => {
    const now = new Date();
    return signerOf(await publishedRows(tx, now), now.getTime()) !== undefined;
  };

  const newestActivation = async () => (await publishedRows(prisma, new Date()))[0]?.activatesAt;

  return {
    async listPublished(now) {
      return publishedOrder(await publishedRows(prisma, now), now.getTime());
    },

    async ensureActive(make, preferred, windowMs, aheadMs) {
      const known = preferred ? await prisma.signingKey.findUnique({ where: { kid: preferred.kid }, select: { kid: true } }) : null;
      const active = await signsNow(prisma);
      if (active && (!preferred || known)) return;
      // Generate outside the lock (RSA generation takes a while); a loser of the race discards its key.
      const candidate = preferred && !known ? preferred : await make();
      await prisma.$transaction(async (tx) => {
        await lock(tx);
        const activeNow = await signsNow(tx);
        if (candidate === preferred) {
          if (await tx.signingKey.findUnique({ where: { kid: candidate.kid }, select: { kid: true } })) return;
          // A new file key is a rotation: published ahead while the current key keeps signing.
          const schedule = activeNow ? { immediate: false as const, aheadMs } : { at: new Date() };
          await installLocked(tx, candidate, schedule, windowMs, { action: 'signing_key_created', source: 'JWT_PRIVATE_KEY_PATH' });
          return;
        }
        if (activeNow) return;
        await installLocked(tx, candidate, { at: new Date() }, windowMs, { action: 'signing_key_created', source: 'generated' });
      });
    },

    async install(next, schedule, windowMs, activity) {
      return prisma.$transaction(async (tx) => {
        await lock(tx);
        return installLocked(tx, next, schedule, windowMs, activity);
      });
    },

    newestActivation,

    async installIfDue(make, everyMs, aheadMs, windowMs) {
      const isDue = (newest: Date | undefined) => newest !== undefined && newest.getTime() + everyMs <= Date.now();
      if (!isDue(await newestActivation())) return undefined;
      const candidate = await make();
      return prisma.$transaction(async (tx) => {
        await lock(tx);
        // Another replica may have rotated while we generated: decide again under the lock.
        if (!isDue((await publishedRows(tx, new Date()))[0]?.activatesAt)) return undefined;
        return installLocked(tx, candidate, { immediate: false, aheadMs }, windowMs, { action: 'signing_key_rotated', source: 'schedule' });
      });
    },
  };
}
