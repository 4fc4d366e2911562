import { randomUUID } from 'node:crypto';
import { bumpAccessRevision, isUniqueViolation, recordActivity, type Database, type Prisma } from '@sentinel/db';
import { ConflictError, InputError, NotFoundError } from '@sentinel/http';

type Tx = Prisma.TransactionClient;

export interface ServiceAction {
  id: string;
  serviceName: string;
  action: string;
  description: string | null;
  createdAt: Date;
}

export interface Role {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  createdBy: string | null;
  createdAt: Date;
  actionCount: number;
  memberCount: number;
}

export interface RoleMember {
  userId: string;
  email: string;
  name: string;
  assignedAt: Date;
  assignedBy: string | null;
}

/** Who made a change: a user (admin) and, on service-tier routes, the service app. */
export interface RoleActor {
  userId: string | null;
  service?: { appId: string; serviceName: string };
}

const ROLE_TARGET = 'role';
const ACTION_TARGET = 'service_action';

const withCounts = { _count: { select: { actions: true, members: true } } } as const;
type RoleRow = Prisma.RoleGetPayload<{ include: typeof withCounts }>;

const toRole = (row: RoleRow): Role => ({
  id: row.id,
  workspaceId: row.workspaceId,
  name: row.name,
  description: row.description,
  createdBy: row.createdById,
  createdAt: row.createdAt,
  actionCount: row._count.actions,
  memberCount: row._count.members,
});

const toAction = (row: { id: string; serviceName: string; action: string; description: string | null; createdAt: Date }): ServiceAction => ({
  id: row.id,
  serviceName: row.serviceName,
  action: row.action,
  description: row.description,
  createdAt: row.createdAt,
});

const actorDetail = (actor: RoleActor) => (actor.service ? { service_name: actor.service.serviceName, app_id: actor.service.appId } : {});

/** Locks the role row for the rest of the transaction (changes to one role serialize); 404 when gone. */
async function lockRole(tx: Tx, id: string): Promise<{ id: string; workspace_id: string; name: string }> {
  const [row] = await tx.$queryRaw<Array<{ id: string; workspace_id: string; name: string }>>`
    SELECT id::text AS id, workspace_id::text AS workspace_id, name FROM roles WHERE id = ${id}::uuid FOR UPDATE`;
  if (!row) throw new NotFoundError('Role not found');
  return row;
}

export type RoleRepository = ReturnType<typeof createRoleRepository>;

/** service_actions, roles, role_actions and user_roles; every mutation logs its activity in its transaction. */
export function createRoleRepository(prisma: Database) {
  const getRole = async (db: Database | Tx, id: string): Promise<Role> => {
    const row = await db.role.findUnique({ where: { id }, include: withCounts });
    if (!row) throw new NotFoundError('Role not found');
    return toRole(row);
  };

  return {
    /**
     * Upserts a service's actions, one statement each (INSERT … ON CONFLICT), so concurrent
     * registrations converge. A given description (even null) replaces the stored one.
     */
    async registerActions(
      serviceName: string,
      actions: ReadonlyArray<{ action: string; description?: string | null | undefined }>,
      actor: RoleActor,
    ): Promise<ServiceAction[]> {
      return prisma.$transaction(async (tx) => {
        const out: ServiceAction[] = [];
        for (const item of actions) {
          const replace = item.description !== undefined;
          const [row] = await tx.$queryRaw<
            Array<{ id: string; service_name: string; action: string; description: string | null; created_at: Date }>
          >`
            INSERT INTO service_actions (id, service_name, action, description)
            VALUES (${randomUUID()}::uuid, ${serviceName}, ${item.action}, ${item.description ?? null})
            ON CONFLICT (service_name, action)
            DO UPDATE SET description = CASE WHEN ${replace} THEN EXCLUDED.description ELSE service_actions.description END
            RETURNING id::text AS id, service_name, action, description, created_at`;
          if (row) out.push({ id: row.id, serviceName: row.service_name, action: row.action, description: row.description, createdAt: row.created_at });
        }
        await recordActivity(tx, {
          action: 'service_actions_registered',
          actorId: actor.userId,
          targetType: ACTION_TARGET,
          targetId: out[0]?.id ?? null,
          detail: { ...actorDetail(actor), actions: out.map((a) => a.action) },
        });
        return out;
      });
    },

    async listActions(serviceName?: string): Promise<ServiceAction[]> {
      const rows = await prisma.serviceAction.findMany({
        where: serviceName === undefined ? {} : { serviceName },
        orderBy: [{ serviceName: 'asc' }, { action: 'asc' }],
      });
      return rows.map(toAction);
    },

    /** Deletes a service action; the roles that granted it lose it, so their workspaces' revisions move. */
    async deleteAction(id: string, actor: RoleActor): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<Array<{ service_name: string; action: string }>>`
          SELECT service_name, action FROM service_actions WHERE id = ${id}::uuid FOR UPDATE`;
        if (!row) throw new NotFoundError('Service action not found');
        const workspaces = await tx.$queryRaw<Array<{ workspace_id: string }>>`
          SELECT DISTINCT r.workspace_id::text AS workspace_id FROM role_actions ra JOIN roles r ON r.id = ra.role_id
          WHERE ra.service_action_id = ${id}::uuid`;
        await tx.serviceAction.delete({ where: { id } });
        await bumpAccessRevision(tx, workspaces.map((w) => w.workspace_id));
        await recordActivity(tx, {
          action: 'service_action_deleted',
          actorId: actor.userId,
          targetType: ACTION_TARGET,
          targetId: id,
          detail: { ...actorDetail(actor), service_name: row.service_name, action: row.action },
        });
      });
    },

    /** The names of the user's roles in the workspace granting the action; empty unless a member now. */
    async rolesGranting(workspaceId: string, userId: string, serviceName: string, action: string): Promise<string[]> {
      const rows = await prisma.$queryRaw<Array<{ name: string }>>`
        SELECT DISTINCT r.name FROM user_roles ur
        JOIN roles r ON r.id = ur.role_id
        JOIN workspace_memberships m ON m.workspace_id = r.workspace_id AND m.user_id = ur.user_id
        JOIN role_actions ra ON ra.role_id = r.id
        JOIN service_actions sa ON sa.id = ra.service_action_id
        WHERE ur.user_id = ${userId}::uuid AND r.workspace_id = ${workspaceId}::uuid
          AND sa.service_name = ${serviceName} AND sa.action = ${action}
        ORDER BY r.name`;
      return rows.map((r) => r.name);
    },

    /** The distinct actions of a service the user's roles in the workspace grant; empty unless a member now. */
    async userActions(workspaceId: string, userId: string, serviceName: string): Promise<string[]> {
      const rows = await prisma.$queryRaw<Array<{ action: string }>>`
        SELECT DISTINCT sa.action FROM user_roles ur
        JOIN roles r ON r.id = ur.role_id
        JOIN workspace_memberships m ON m.workspace_id = r.workspace_id AND m.user_id = ur.user_id
        JOIN role_actions ra ON ra.role_id = r.id
        JOIN service_actions sa ON sa.id = ra.service_action_id
        WHERE ur.user_id = ${userId}::uuid AND r.workspace_id = ${workspaceId}::uuid AND sa.service_name = ${serviceName}
        ORDER BY sa.action`;
      return rows.map((r) => r.action);
    },

    async workspaceExists(workspaceId: string): Promise<boolean> {
      return (await prisma.workspace.findUnique({ where: { id: workspaceId }, select: { id: true } })) !== null;
    },

    async listRoles(workspaceId: string): Promise<Role[]> {
      const rows = await prisma.role.findMany({ where: { workspaceId }, include: withCounts, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
      return rows.map(toRole);
    },

    getRole: (id: string) => getRole(prisma, id),

    async createRole(workspaceId: string, input: { name: string; description: string | null }, actor: RoleActor): Promise<Role> {
      try {
        return await prisma.$transaction(async (tx) => {
          const row = await tx.role.create({
            data: { workspaceId, name: input.name, description: input.description, createdById: actor.userId },
            include: withCounts,
          });
          await recordActivity(tx, {
            action: 'role_created',
            actorId: actor.userId,
            targetType: ROLE_TARGET,
            targetId: row.id,
            workspaceId,
            detail: { name: input.name },
          });
          return toRole(row);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('A role with this name already exists in the workspace');
        throw err;
      }
    },

    async updateRole(id: string, input: { name?: string; description?: string | null }, actor: RoleActor): Promise<Role> {
      try {
        return await prisma.$transaction(async (tx) => {
          const before = await lockRole(tx, id);
          await tx.role.update({
            where: { id },
            data: { ...(input.name === undefined ? {} : { name: input.name }), ...(input.description === undefined ? {} : { description: input.description }) },
          });
          await recordActivity(tx, {
            action: 'role_updated',
            actorId: actor.userId,
            targetType: ROLE_TARGET,
            targetId: id,
            workspaceId: before.workspace_id,
            detail: { ...input, ...(input.name !== undefined && input.name !== before.name ? { previous_name: before.name } : {}) },
          });
          return getRole(tx, id);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('A role with this name already exists in the workspace');
        throw err;
      }
    },

    /** Deletes a role; its grants and assignments go with it (CASCADE), so the revision moves. */
    async deleteRole(id: string, actor: RoleActor): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const role = await lockRole(tx, id);
        await tx.role.delete({ where: { id } });
        await bumpAccessRevision(tx, [role.workspace_id]);
        await recordActivity(tx, {
          action: 'role_deleted',
          actorId: actor.userId,
          targetType: ROLE_TARGET,
          targetId: id,
          workspaceId: role.workspace_id,
          detail: { name: role.name },
        });
      });
    },

    async roleActions(roleId: string): Promise<ServiceAction[]> {
      await getRole(prisma, roleId);
      const rows = await prisma.serviceAction.findMany({
        where: { roleActions: { some: { roleId } } },
        orderBy: [{ serviceName: 'asc' }, { action: 'asc' }],
      });
      return rows.map(toAction);
    },

    /** Grants service actions to a role: 404 for an unknown action, 409 when one is already granted. */
    async attachActions(roleId: string, serviceActionIds: readonly string[], actor: RoleActor): Promise<void> {
      const ids = [...new Set(serviceActionIds.map((id) => id.toLowerCase()))];
      await prisma.$transaction(async (tx) => {
        const role = await lockRole(tx, roleId);
        const found = await tx.serviceAction.findMany({ where: { id: { in: ids } }, select: { id: true } });
        if (found.length !== ids.length) throw new NotFoundError('Service action not found');
        const existing = await tx.roleAction.findFirst({ where: { roleId, serviceActionId: { in: ids } }, select: { id: true } });
        if (existing) throw new ConflictError('Action already assigned to this role');
        await tx.roleAction.createMany({ data: ids.map((serviceActionId) => ({ roleId, serviceActionId })) });
        for (const serviceActionId of ids) {
          await recordActivity(tx, {
            action: 'role_action_added',
            actorId: actor.userId,
            targetType: ROLE_TARGET,
            targetId: roleId,
            workspaceId: role.workspace_id,
            detail: { service_action_id: serviceActionId },
          });
        }
      });
    },

    async detachAction(roleId: string, serviceActionId: string, actor: RoleActor): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const role = await lockRole(tx, roleId);
        const removed = await tx.roleAction.deleteMany({ where: { roleId, serviceActionId } });
        if (removed.count === 0) throw new NotFoundError('Action not assigned to this role');
        await bumpAccessRevision(tx, [role.workspace_id]);
        await recordActivity(tx, {
          action: 'role_action_removed',
          actorId: actor.userId,
          targetType: ROLE_TARGET,
          targetId: roleId,
          workspaceId: role.workspace_id,
          detail: { service_action_id: serviceActionId },
        });
      });
    },

    async roleMembers(roleId: string): Promise<RoleMember[]> {
      await getRole(prisma, roleId);
      const rows = await prisma.userRole.findMany({
        where: { roleId },
        include: { user: { select: { email: true, name: true } } },
        orderBy: [{ assignedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map((r) => ({ userId: r.userId, email: r.user.email, name: r.user.name, assignedAt: r.assignedAt, assignedBy: r.assignedById }));
    },

    /**
     * Gives a role to a user, who must be a member of the role's workspace now: the membership
     * row is locked FOR SHARE until commit, so a concurrent removal waits (and then sees the role).
     */
    async assignMember(roleId: string, userId: string, actor: RoleActor): Promise<RoleMember> {
      try {
        return await prisma.$transaction(async (tx) => {
          const role = await lockRole(tx, roleId);
          const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, name: true } });
          if (!user) throw new NotFoundError('User not found');
          const member = await tx.$queryRaw<unknown[]>`
            SELECT 1 FROM workspace_memberships WHERE workspace_id = ${role.workspace_id}::uuid AND user_id = ${userId}::uuid FOR SHARE`;
          if (member.length === 0) throw new InputError("The user is not a member of the role's workspace");
          const row = await tx.userRole.create({ data: { roleId, userId, assignedById: actor.userId } });
          await recordActivity(tx, {
            action: 'role_member_added',
            actorId: actor.userId,
            targetType: ROLE_TARGET,
            targetId: roleId,
            workspaceId: role.workspace_id,
            detail: { user_id: userId },
          });
          return { userId, email: user.email, name: user.name, assignedAt: row.assignedAt, assignedBy: row.assignedById };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('User already has this role');
        throw err;
      }
    },

    async unassignMember(roleId: string, userId: string, actor: RoleActor): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const role = await lockRole(tx, roleId);
        const removed = await tx.userRole.deleteMany({ where: { roleId, userId } });
        if (removed.count === 0) throw new NotFoundError('User does not have this role');
        await bumpAccessRevision(tx, [role.workspace_id]);
        await recordActivity(tx, {
          action: 'role_member_removed',
          actorId: actor.userId,
          targetType: ROLE_TARGET,
          targetId: roleId,
          workspaceId: role.workspace_id,
          detail: { user_id: userId },
        });
      });
    },
  };
}
