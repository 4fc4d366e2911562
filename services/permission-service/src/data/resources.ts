import { randomUUID } from 'node:crypto';
import type { GranteeType, PermissionAction, Visibility } from '@sentinel/contracts';
import { bumpAccessRevision, recordActivity, type Database, type Prisma } from '@sentinel/db';
import { NotFoundError } from '@sentinel/http';

export interface Share {
  id: string;
  granteeType: GranteeType;
  granteeId: string;
  permission: PermissionAction;
  grantedBy: string | null;
  grantedAt: Date;
}

/** A registered resource (a `resource_permissions` row) with its shares. */
export interface Resource {
  id: string;
  serviceName: string;
  resourceType: string;
  resourceId: string;
  workspaceId: string;
  ownerId: string | null;
  visibility: Visibility;
  createdAt: Date;
  shares: Share[];
}

export interface ResourceKey {
  serviceName: string;
  resourceType: string;
  resourceId: string;
}

/**
 * Who asked for a change: the service app (`app`), with the user when the route is dual; or an
 * admin through /admin (the user, no app).
 */
export interface Actor {
  app?: { id: string; serviceName: string };
  userId: string | null;
}

type Tx = Prisma.TransactionClient;
const TARGET_TYPE = 'resource_permission';
const withShares = { shares: { orderBy: [{ grantedAt: 'asc' as const }, { id: 'asc' as const }] } };

type Row = Prisma.ResourcePermissionGetPayload<{ include: typeof withShares }>;

function toResource(row: Row): Resource {
  return {
    id: row.id,
    serviceName: row.serviceName,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    workspaceId: row.workspaceId,
    ownerId: row.ownerId,
    // CHECK constraints hold these columns to the enums.
    visibility: row.visibility as Visibility,
    createdAt: row.createdAt,
    shares: row.shares.map((s) => ({
      id: s.id,
      granteeType: s.granteeType as GranteeType,
      granteeId: s.granteeId,
      permission: s.permission as PermissionAction,
      grantedBy: s.grantedById,
      grantedAt: s.grantedAt,
    })),
  };
}

const keyWhere = (key: ResourceKey) => ({
  serviceName_resourceType_resourceId: { serviceName: key.serviceName, resourceType: key.resourceType, resourceId: key.resourceId },
});

/** Locks the resource row for the rest of the transaction (changes to one resource serialize). */
async function lockResource(tx: Tx, id: string): Promise<Row> {
  const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM resource_permissions WHERE id = ${id}::uuid FOR UPDATE`;
  const row = locked.length === 0 ? null : await tx.resourcePermission.findUnique({ where: { id }, include: withShares });
  if (!row) throw new NotFoundError('Permission not found');
  return row;
}

export interface PurgeResult {
  resources: number;
  shares: number;
  workspaces: number;
}

const actorDetail = (actor: Actor) => (actor.app ? { service_name: actor.app.serviceName, app_id: actor.app.id } : { via: 'admin' });

export type ResourceRepository = ReturnType<typeof createResourceRepository>;

/** resource_permissions and resource_shares; every mutation logs its activity in its transaction. */
export function createResourceRepository(prisma: Database) {
  return {
    async findById(id: string): Promise<Resource | undefined> {
      const row = await prisma.resourcePermission.findUnique({ where: { id }, include: withShares });
      return row ? toResource(row) : undefined;
    },

    async findByKey(key: ResourceKey): Promise<Resource | undefined> {
      const row = await prisma.resourcePermission.findUnique({ where: keyWhere(key), include: withShares });
      return row ? toResource(row) : undefined;
    },

    /** Names and emails of users, and names of groups, by id (for the enriched ACL). */
    async names(userIds: string[], groupIds: string[]) {
      const [users, groups] = await Promise.all([
        userIds.length === 0 ? [] : prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } }),
        groupIds.length === 0 ? [] : prisma.group.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true } }),
      ]);
      return { users: new Map(users.map((u) => [u.id, u])), groups: new Map(groups.map((g) => [g.id, g])) };
    },

    /** Which of a workspace and a user exist (register references both). */
    async referencesExist(workspaceId: string, userId: string): Promise<{ workspace: boolean; user: boolean }> {
      const [row] = await prisma.$queryRaw<Array<{ workspace: boolean; user: boolean }>>`
        SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = ${workspaceId}::uuid) AS workspace,
               EXISTS (SELECT 1 FROM users WHERE id = ${userId}::uuid) AS "user"`;
      return row ?? { workspace: false, user: false };
    },

    /**
     * Registers a resource unless it exists: INSERT … ON CONFLICT DO NOTHING, then the row, so two
     * services registering the same resource at once get one row (one `created`, the other not).
     */
    async register(
      input: ResourceKey & { workspaceId: string; ownerId: string; visibility: Visibility },
      actor: Actor,
    ): Promise<{ resource: Resource; created: boolean }> {
      return prisma.$transaction(async (tx) => {
        const inserted = await tx.$queryRaw<Array<{ id: string }>>`
          INSERT INTO resource_permissions (id, service_name, resource_type, resource_id, workspace_id, owner_id, visibility)
          VALUES (${randomUUID()}::uuid, ${input.serviceName}, ${input.resourceType}, ${input.resourceId}::uuid,
                  ${input.workspaceId}::uuid, ${input.ownerId}::uuid, ${input.visibility})
          ON CONFLICT (service_name, resource_type, resource_id) DO NOTHING
          RETURNING id`;
        const created = inserted[0];
        if (created) {
          await recordActivity(tx, {
            action: 'permission_registered',
            actorId: actor.userId,
            targetType: TARGET_TYPE,
            targetId: created.id,
            workspaceId: input.workspaceId,
            detail: { ...actorDetail(actor), resource_type: input.resourceType, resource_id: input.resourceId, visibility: input.visibility },
          });
        }
        // A new statement, so under READ COMMITTED it sees a row a concurrent register committed.
        const row = await tx.resourcePermission.findUniqueOrThrow({ where: keyWhere(input), include: withShares });
        return { resource: toResource(row), created: created !== undefined };
      });
    },

    /**
     * Grants (or, when the grantee already has a share, changes) a share, and bumps the access
     * revision (a downgrade from `edit` to `view` removes access; a grant must show at once).
     */
    async share(id: string, grantee: { type: GranteeType; id: string; permission: PermissionAction }, actor: Actor): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const row = await lockResource(tx, id);
        const previous = row.shares.find((s) => s.granteeType === grantee.type && s.granteeId === grantee.id);
        await tx.$executeRaw`
          INSERT INTO resource_shares (id, resource_permission_id, grantee_type, grantee_id, permission, granted_by)
          VALUES (${randomUUID()}::uuid, ${id}::uuid, ${grantee.type}, ${grantee.id}::uuid, ${grantee.permission}, ${actor.userId}::uuid)
          ON CONFLICT (resource_permission_id, grantee_type, grantee_id)
          DO UPDATE SET permission = EXCLUDED.permission, granted_by = EXCLUDED.granted_by, granted_at = now()`;
        await bumpAccessRevision(tx, row.workspaceId);
        await recordActivity(tx, {
          action: 'permission_shared',
          actorId: actor.userId,
          targetType: TARGET_TYPE,
          targetId: id,
          workspaceId: row.workspaceId,
          detail: {
            ...actorDetail(actor),
            grantee_type: grantee.type,
            grantee_id: grantee.id,
            permission: grantee.permission,
            ...(previous ? { previous_permission: previous.permission } : {}),
          },
        });
      });
    },

    async unshare(id: string, grantee: { type: GranteeType; id: string }, actor: Actor): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const row = await lockResource(tx, id);
        const removed = await tx.resourceShare.deleteMany({
          where: { resourcePermissionId: id, granteeType: grantee.type, granteeId: grantee.id },
        });
        if (removed.count === 0) throw new NotFoundError('Share not found');
        await bumpAccessRevision(tx, row.workspaceId);
        await recordActivity(tx, {
          action: 'permission_revoked',
          actorId: actor.userId,
          targetType: TARGET_TYPE,
          targetId: id,
          workspaceId: row.workspaceId,
          detail: { ...actorDetail(actor), grantee_type: grantee.type, grantee_id: grantee.id },
        });
      });
    },

    async setVisibility(id: string, visibility: Visibility, actor: Actor): Promise<Resource> {
      return prisma.$transaction(async (tx) => {
        const row = await lockResource(tx, id);
        if (row.visibility === visibility) return toResource(row);
        const updated = await tx.resourcePermission.update({ where: { id }, data: { visibility }, include: withShares });
        await bumpAccessRevision(tx, row.workspaceId);
        await recordActivity(tx, {
          action: 'permission_visibility_changed',
          actorId: actor.userId,
          targetType: TARGET_TYPE,
          targetId: id,
          workspaceId: row.workspaceId,
          detail: { ...actorDetail(actor), from: row.visibility, to: visibility },
        });
        return toResource(updated);
      });
    },

    /** Deregisters a resource; its shares go with it (ON DELETE CASCADE). */
    async deregister(key: ResourceKey, actor: Actor): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<Array<{ id: string; workspace_id: string }>>`
          DELETE FROM resource_permissions
          WHERE service_name = ${key.serviceName} AND resource_type = ${key.resourceType} AND resource_id = ${key.resourceId}::uuid
          RETURNING id, workspace_id`;
        if (!row) throw new NotFoundError('Resource not found');
        await bumpAccessRevision(tx, row.workspace_id);
        await recordActivity(tx, {
          action: 'permission_deregistered',
          actorId: actor.userId,
          targetType: TARGET_TYPE,
          targetId: row.id,
          workspaceId: row.workspace_id,
          detail: { ...actorDetail(actor), resource_type: key.resourceType, resource_id: key.resourceId },
        });
      });
    },

    /**
     * Deletes every resource of a service with its shares (its service app is being deleted) and
     * bumps each affected workspace's revision, in one transaction, with one activity entry per
     * workspace (the app as target). The rows are locked in id order first, so purges of the same
     * service cannot deadlock and a share racing the purge finds its resource gone (404).
     * Idempotent: a second purge finds nothing and records nothing.
     */
    async purgeService(serviceName: string, appId: string, actorId: string | null): Promise<PurgeResult> {
      return prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT 1 FROM resource_permissions WHERE service_name = ${serviceName} ORDER BY id FOR UPDATE`;
          const counts = await tx.$queryRaw<Array<{ workspace_id: string; resources: number; shares: number }>>`
            SELECT r.workspace_id::text AS workspace_id, count(DISTINCT r.id)::int AS resources, count(s.id)::int AS shares
            FROM resource_permissions r LEFT JOIN resource_shares s ON s.resource_permission_id = r.id
            WHERE r.service_name = ${serviceName}
            GROUP BY r.workspace_id ORDER BY r.workspace_id`;
          await tx.$executeRaw`DELETE FROM resource_permissions WHERE service_name = ${serviceName}`;
          for (const c of counts) {
            await bumpAccessRevision(tx, c.workspace_id);
            await recordActivity(tx, {
              action: 'permission_service_purged',
              actorId,
              targetType: 'service_app',
              targetId: appId,
              workspaceId: c.workspace_id,
              detail: { service_name: serviceName, resources: c.resources, shares: c.shares },
            });
          }
          return {
            resources: counts.reduce((n, c) => n + c.resources, 0),
            shares: counts.reduce((n, c) => n + c.shares, 0),
            workspaces: counts.length,
          };
        },
        // A large service can take longer than Prisma's default 5 s to delete.
        { timeout: 60_000 },
      );
    },
  };
}
