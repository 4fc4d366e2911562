import { advisoryLockKey, recordActivity, type Database, type Prisma } from '@sentinel/db';
import type { KeyRing } from '@sentinel/crypto';
import { sealPrivateKey, type KeyMaterial } from './material';

/** Every change of the active key holds this transaction-scoped lock, so replicas never race. */
const SIGNING_KEYS_LOCK = advisoryLockKey('sentinel:signing-keys');

export interface SigningKeyRow {
  kid: string;
  publicKeyPem: string;
  privateKeyEncrypted: string;
  retiredAt: Date | null;
  publishUntil: Date | null;
}

const rowSelect = { kid: true, publicKeyPem: true, privateKeyEncrypted: true, retiredAt: true, publishUntil: true } as const;

async function lock(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEYS_LOCK}::bigint)::text AS locked`;
}

async function activeKids(tx: Prisma.TransactionClient): Promise<string[]> {
  const rows = await tx.signingKey.findMany({ where: { retiredAt: null }, orderBy: { activatedAt: 'desc' }, select: { kid: true } });
  return rows.map((r) => r.kid);
}

export interface SigningKeyRepository {
  /** The active key first, then retired keys still published at `now`, newest first. */
  listPublished(now: Date): Promise<SigningKeyRow[]>;
  /**
   * Makes sure a key is active. With `preferred` (the operator's file key) never stored before, it
   * becomes the active key; otherwise `make()` is called only when no key is active at all.
   */
  ensureActive(make: () => Promise<KeyMaterial>, preferred: KeyMaterial | undefined, publishForMs: number): Promise<void>;
  /** Retires every active key (published for `publishForMs` more) and activates `next`. */
  activate(next: KeyMaterial, publishForMs: number, activity: { action: string; actorId?: string | null; source: string }): Promise<{ previousKid: string | null }>;
}

export function createSigningKeyRepository(prisma: Database, ring: KeyRing): SigningKeyRepository {
  const install = async (
    tx: Prisma.TransactionClient,
    next: KeyMaterial,
    publishForMs: number,
    activity: { action: string; actorId?: string | null; source: string },
  ) => {
    const previousKid = (await activeKids(tx))[0] ?? null;
    const now = new Date();
    await tx.signingKey.updateMany({
      where: { retiredAt: null },
      data: { retiredAt: now, publishUntil: new Date(now.getTime() + publishForMs) },
    });
    await tx.signingKey.create({
      data: {
        kid: next.kid,
        algorithm: 'RS256',
        publicKeyPem: next.publicKeyPem,
        privateKeyEncrypted: sealPrivateKey(ring, next.kid, next.privateKey),
        activatedAt: now,
      },
    });
    // activity_logs.target_id is a UUID column and a kid is not one: the kid goes in the detail.
    await recordActivity(tx, {
      action: activity.action,
      actorId: activity.actorId ?? null,
      targetType: 'signing_key',
      detail: { kid: next.kid, previous_kid: previousKid, source: activity.source },
    });
    return { previousKid };
  };

  return {
    async listPublished(now) {
      const rows = await prisma.signingKey.findMany({
        where: { OR: [{ retiredAt: null }, { publishUntil: { gt: now } }] },
        orderBy: { activatedAt: 'desc' },
        select: rowSelect,
      });
      // Active (not retired) first; among several (never expected), the newest.
      return [...rows.filter((r) => r.retiredAt === null), ...rows.filter((r) => r.retiredAt !== null)];
    },

    async ensureActive(make, preferred, publishForMs) {
      const known = preferred ? await prisma.signingKey.findUnique({ where: { kid: preferred.kid }, select: { kid: true } }) : null;
      const active = await prisma.signingKey.findFirst({ where: { retiredAt: null }, select: { kid: true } });
      if (active && (!preferred || known)) return;
      // Generate outside the lock (RSA generation takes a while); a loser of the race discards its key.
      const candidate = preferred && !known ? preferred : await make();
      await prisma.$transaction(async (tx) => {
        await lock(tx);
        const activeNow = await activeKids(tx);
        if (candidate === preferred) {
          if (await tx.signingKey.findUnique({ where: { kid: candidate.kid }, select: { kid: true } })) return;
          // A key that was active until now keeps verifying its live tokens, as after a rotation.
          await install(tx, candidate, publishForMs, { action: 'signing_key_created', source: 'JWT_PRIVATE_KEY_PATH' });
          return;
        }
        if (activeNow.length > 0) return;
        await install(tx, candidate, publishForMs, { action: 'signing_key_created', source: 'generated' });
      });
    },

    async activate(next, publishForMs, activity) {
      return prisma.$transaction(async (tx) => {
        await lock(tx);
        return install(tx, next, publishForMs, activity);
      });
    },
  };
}
