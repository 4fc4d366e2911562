import { isUniqueViolation, recordActivity, type Database, type Prisma } from '@sentinel/db';
import { ConflictError } from '@sentinel/http';
import type { NewKey } from './keys';

/** A service app as the rest of the service sees it: no key, no hash. */
export interface ServiceApp {
  id: string;
  name: string;
  serviceName: string;
  keyPrefix: string;
  isActive: boolean;
  lastUsedAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What verification needs: the app's current and previous key (hashes only). */
export interface KeyRecord {
  appId: string;
  serviceName: string;
  isActive: boolean;
  keyPrefix: string;
  keyHash: string;
  previousKeyPrefix: string | null;
  previousKeyHash: string | null;
  previousKeyExpiresAt: Date | null;
}

/** The keys a change may have made invalid: their caches must be dropped after the commit. */
export interface StaleKeys {
  appId: string;
  prefixes: string[];
  hashes: string[];
}

/** Who made a change: an admin (user id), or null for the operator CLI. */
export type Actor = string | null;

const TARGET_TYPE = 'service_app';
type Row = Prisma.ServiceAppModel;

function toServiceApp(row: Row): ServiceApp {
  return {
    id: row.id,
    name: row.name,
    serviceName: row.serviceName,
    keyPrefix: row.keyPrefix,
    isActive: row.isActive,
    lastUsedAt: row.lastUsedAt,
    createdBy: row.createdById,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function staleKeysOf(row: Row): StaleKeys {
  const prefixes = [row.keyPrefix];
  const hashes = [row.keyHash];
  if (row.previousKeyPrefix !== null && row.previousKeyHash !== null) {
    prefixes.push(row.previousKeyPrefix);
    hashes.push(row.previousKeyHash);
  }
  return { appId: row.id, prefixes, hashes };
}

export type ServiceAppRepository = ReturnType<typeof createServiceAppRepository>;

/**
 * service_apps in Postgres. Every mutation writes its activity entry in the same transaction;
 * no detail ever holds a key or a hash.
 */
export function createServiceAppRepository(prisma: Database) {
  /** Locks the row for the rest of the transaction (concurrent rotations serialize). */
  const lock = async (tx: Prisma.TransactionClient, id: string): Promise<Row | null> => {
    const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM service_apps WHERE id = ${id}::uuid FOR UPDATE`;
    return locked.length === 0 ? null : tx.serviceApp.findUnique({ where: { id } });
  };

  return {
    async list(): Promise<ServiceApp[]> {
      const rows = await prisma.serviceApp.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toServiceApp);
    },

    async get(id: string): Promise<ServiceApp | undefined> {
      const row = await prisma.serviceApp.findUnique({ where: { id } });
      return row ? toServiceApp(row) : undefined;
    },

    async create(input: { name: string; serviceName: string }, key: NewKey, actor: Actor): Promise<ServiceApp> {
      try {
        return await prisma.$transaction(async (tx) => {
          if (await tx.serviceApp.findUnique({ where: { serviceName: input.serviceName }, select: { id: true } })) {
            throw new ConflictError(`A service app for service '${input.serviceName}' already exists`);
          }
          // created_by references users: an actor without a user row (deleted since) is recorded as null.
          const creator = actor ? await tx.user.findUnique({ where: { id: actor }, select: { id: true } }) : null;
          const row = await tx.serviceApp.create({
            data: {
              name: input.name,
              serviceName: input.serviceName,
              keyPrefix: key.prefix,
              keyHash: key.hash,
              createdById: creator?.id ?? null,
            },
          });
          await recordActivity(tx, {
            action: 'service_app_created',
            actorId: actor,
            targetType: TARGET_TYPE,
            targetId: row.id,
            detail: { name: row.name, service_name: row.serviceName, key_prefix: row.keyPrefix, via: actor ? 'admin' : 'cli' },
          });
          return toServiceApp(row);
        });
      } catch (err) {
        // Two creations racing past the check above: the unique index decides.
        if (isUniqueViolation(err)) throw new ConflictError(`A service app for service '${input.serviceName}' already exists`);
        throw err;
      }
    },

    async update(
      id: string,
      changes: { name?: string; isActive?: boolean },
      actor: Actor,
    ): Promise<{ app: ServiceApp; stale: StaleKeys | undefined } | undefined> {
      return prisma.$transaction(async (tx) => {
        const before = await lock(tx, id);
        if (!before) return undefined;
        const diff: Record<string, { from: string | boolean; to: string | boolean }> = {};
        if (changes.name !== undefined && changes.name !== before.name) diff.name = { from: before.name, to: changes.name };
        if (changes.isActive !== undefined && changes.isActive !== before.isActive) {
          diff.is_active = { from: before.isActive, to: changes.isActive };
        }
        if (Object.keys(diff).length === 0) return { app: toServiceApp(before), stale: undefined };
        const row = await tx.serviceApp.update({
          where: { id },
          data: { ...(diff.name ? { name: changes.name } : {}), ...(diff.is_active ? { isActive: changes.isActive } : {}) },
        });
        await recordActivity(tx, {
          action: 'service_app_updated',
          actorId: actor,
          targetType: TARGET_TYPE,
          targetId: id,
          detail: { service_name: row.serviceName, changes: diff },
        });
        return { app: toServiceApp(row), stale: staleKeysOf(before) };
      });
    },

    /**
     * Replaces the key. With an overlap, the current key becomes the previous one until
     * `now + overlapSeconds`; a previous key still in its overlap is dropped either way.
     */
    async rotate(
      id: string,
      key: NewKey,
      overlapSeconds: number,
      actor: Actor,
    ): Promise<{ app: ServiceApp; stale: StaleKeys; previousKeyExpiresAt: Date | null } | undefined> {
      return prisma.$transaction(async (tx) => {
        const before = await lock(tx, id);
        if (!before) return undefined;
        const previousKeyExpiresAt = overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000) : null;
        const row = await tx.serviceApp.update({
          where: { id },
          data: {
            keyPrefix: key.prefix,
            keyHash: key.hash,
            previousKeyPrefix: previousKeyExpiresAt ? before.keyPrefix : null,
            previousKeyHash: previousKeyExpiresAt ? before.keyHash : null,
            previousKeyExpiresAt,
          },
        });
        await recordActivity(tx, {
          action: 'service_app_key_rotated',
          actorId: actor,
          targetType: TARGET_TYPE,
          targetId: id,
          detail: {
            service_name: row.serviceName,
            key_prefix: row.keyPrefix,
            previous_key_prefix: before.keyPrefix,
            overlap_seconds: overlapSeconds,
            previous_key_expires_at: previousKeyExpiresAt?.toISOString() ?? null,
          },
        });
        return { app: toServiceApp(row), stale: staleKeysOf(before), previousKeyExpiresAt };
      });
    },

    async delete(id: string, actor: Actor): Promise<StaleKeys | undefined> {
      return prisma.$transaction(async (tx) => {
        const before = await lock(tx, id);
        if (!before) return undefined;
        await tx.serviceApp.delete({ where: { id } });
        await recordActivity(tx, {
          action: 'service_app_deleted',
          actorId: actor,
          targetType: TARGET_TYPE,
          targetId: id,
          detail: { name: before.name, service_name: before.serviceName, key_prefix: before.keyPrefix },
        });
        return staleKeysOf(before);
      });
    },

    /** The app whose current or previous key has this lookup prefix. */
    async findByPrefix(prefix: string): Promise<KeyRecord | undefined> {
      const row = await prisma.serviceApp.findFirst({
        where: { OR: [{ keyPrefix: prefix }, { previousKeyPrefix: prefix }] },
      });
      if (!row) return undefined;
      return {
        appId: row.id,
        serviceName: row.serviceName,
        isActive: row.isActive,
        keyPrefix: row.keyPrefix,
        keyHash: row.keyHash,
        previousKeyPrefix: row.previousKeyPrefix,
        previousKeyHash: row.previousKeyHash,
        previousKeyExpiresAt: row.previousKeyExpiresAt,
      };
    },

    /**
     * Sets last_used_at to now unless it is already newer than `minAgeSeconds`: a row is written
     * at most once per interval, whichever replica asks. Does not touch updated_at (use is not a change).
     */
    async touchLastUsed(id: string, minAgeSeconds: number): Promise<void> {
      await prisma.$executeRaw`
        UPDATE service_apps SET last_used_at = now()
         WHERE id = ${id}::uuid
           AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => ${minAgeSeconds}))`;
    },
  };
}
