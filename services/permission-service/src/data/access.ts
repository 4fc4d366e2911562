import type { GranteeType, PermissionAction, Visibility } from '@sentinel/contracts';
import { workspaceRoleSchema } from '@sentinel/contracts';
import { Prisma, type Database } from '@sentinel/db';
import type { MemberFacts, ResourceFacts, ShareFacts } from '../domain/evaluate';

export interface CheckKey {
  resourceType: string;
  resourceId: string;
}

export interface LoadedResource extends ResourceFacts {
  resourceType: string;
  resourceId: string;
}

export interface ReachableQuery {
  workspaceId: string;
  serviceName: string;
  resourceType: string;
  /** Resource ids strictly after this one (the cursor), or from the start. */
  after: string | null;
  /** At most this many ids, or all of them. */
  take: number | null;
}

const afterClause = (after: string | null) => (after === null ? Prisma.empty : Prisma.sql`AND r.resource_id > ${after}::uuid`);
const takeClause = (take: number | null) => (take === null ? Prisma.empty : Prisma.sql`LIMIT ${take}`);

export type AccessRepository = ReturnType<typeof createAccessRepository>;

/**
 * The reads behind checks and accessible lists, each one statement whatever the batch size.
 * Role and groups come from the current memberships, never from the token.
 */
export function createAccessRepository(prisma: Database) {
  return {
    /** The user's current role and groups in the workspace; null when not a member. */
    async member(workspaceId: string, userId: string): Promise<MemberFacts | null> {
      const [row] = await prisma.$queryRaw<Array<{ role: string; groups: string[] }>>`
        SELECT m.role,
               ARRAY(SELECT gm.group_id::text FROM group_memberships gm JOIN groups g ON g.id = gm.group_id
                     WHERE gm.user_id = m.user_id AND g.workspace_id = m.workspace_id) AS groups
        FROM workspace_memberships m
        WHERE m.workspace_id = ${workspaceId}::uuid AND m.user_id = ${userId}::uuid`;
      if (!row) return null;
      const role = workspaceRoleSchema.safeParse(row.role);
      return role.success ? { role: role.data, groups: new Set(row.groups) } : null;
    },

    /** Whether a user is a member of the workspace, or a group is one of its groups, now. */
    async granteeInWorkspace(workspaceId: string, granteeType: GranteeType, granteeId: string): Promise<boolean> {
      const row =
        granteeType === 'user'
          ? await prisma.workspaceMembership.findUnique({ where: { workspaceId_userId: { workspaceId, userId: granteeId } }, select: { id: true } })
          : await prisma.group.findFirst({ where: { id: granteeId, workspaceId }, select: { id: true } });
      return row !== null;
    },

    /** The registered resources among `keys` of one service (any workspace). */
    async resources(serviceName: string, keys: readonly CheckKey[]): Promise<LoadedResource[]> {
      const rows = await prisma.$queryRaw<
        Array<{ id: string; resource_type: string; resource_id: string; workspace_id: string; owner_id: string | null; visibility: Visibility }>
      >`
        SELECT r.id::text AS id, r.resource_type, r.resource_id::text AS resource_id, r.workspace_id::text AS workspace_id,
               r.owner_id::text AS owner_id, r.visibility
        FROM resource_permissions r
        WHERE r.service_name = ${serviceName}
          AND (r.resource_type, r.resource_id) IN (
            SELECT * FROM unnest(${keys.map((k) => k.resourceType)}::text[], ${keys.map((k) => k.resourceId)}::uuid[]))`;
      return rows.map((r) => ({
        id: r.id,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        workspaceId: r.workspace_id,
        ownerId: r.owner_id,
        visibility: r.visibility,
      }));
    },

    /**
     * The shares among `keys` (in the workspace) that name the user or a group the user is in
     * now. The evaluator checks group membership again against `member()`, so a group removal
     * between the two reads can only deny.
     */
    async shares(serviceName: string, keys: readonly CheckKey[], workspaceId: string, userId: string): Promise<ShareFacts[]> {
      const rows = await prisma.$queryRaw<
        Array<{ resource_permission_id: string; grantee_type: GranteeType; grantee_id: string; permission: PermissionAction }>
      >`
        SELECT s.resource_permission_id::text AS resource_permission_id, s.grantee_type, s.grantee_id::text AS grantee_id, s.permission
        FROM resource_shares s
        JOIN resource_permissions r ON r.id = s.resource_permission_id
        WHERE r.service_name = ${serviceName} AND r.workspace_id = ${workspaceId}::uuid
          AND (r.resource_type, r.resource_id) IN (
            SELECT * FROM unnest(${keys.map((k) => k.resourceType)}::text[], ${keys.map((k) => k.resourceId)}::uuid[]))
          AND ((s.grantee_type = 'user' AND s.grantee_id = ${userId}::uuid)
            OR (s.grantee_type = 'group' AND s.grantee_id IN (SELECT group_id FROM group_memberships WHERE user_id = ${userId}::uuid)))`;
      return rows.map((r) => ({
        resourcePermissionId: r.resource_permission_id,
        granteeType: r.grantee_type,
        granteeId: r.grantee_id,
        permission: r.permission,
      }));
    },

    /** Every resource id of a type in the workspace, in resource-id order (admins and owners). */
    async allIds(query: ReachableQuery): Promise<string[]> {
      const rows = await prisma.$queryRaw<Array<{ resource_id: string }>>`
        SELECT r.resource_id::text AS resource_id FROM resource_permissions r
        WHERE r.workspace_id = ${query.workspaceId}::uuid AND r.service_name = ${query.serviceName}
          AND r.resource_type = ${query.resourceType} ${afterClause(query.after)}
        ORDER BY r.resource_id ${takeClause(query.take)}`;
      return rows.map((r) => r.resource_id);
    },

    /**
     * The resource ids a non-admin member reaches for `action`, in resource-id order: owned,
     * workspace-visible (view, or edit for editors), shared to the user or one of their groups.
     */
    async reachableIds(
      query: ReachableQuery,
      who: { userId: string; groups: readonly string[]; workspaceVisible: boolean; action: PermissionAction },
    ): Promise<string[]> {
      const sharePermission = who.action === 'edit' ? Prisma.sql`AND s.permission = 'edit'` : Prisma.empty;
      const rows = await prisma.$queryRaw<Array<{ resource_id: string }>>`
        SELECT r.resource_id::text AS resource_id FROM resource_permissions r
        WHERE r.workspace_id = ${query.workspaceId}::uuid AND r.service_name = ${query.serviceName}
          AND r.resource_type = ${query.resourceType} ${afterClause(query.after)}
          AND (r.owner_id = ${who.userId}::uuid
            OR (${who.workspaceVisible} AND r.visibility = 'workspace')
            OR EXISTS (SELECT 1 FROM resource_shares s
                       WHERE s.resource_permission_id = r.id ${sharePermission}
                         AND ((s.grantee_type = 'user' AND s.grantee_id = ${who.userId}::uuid)
                           OR (s.grantee_type = 'group' AND s.grantee_id = ANY(${[...who.groups]}::uuid[])))))
        ORDER BY r.resource_id ${takeClause(query.take)}`;
      return rows.map((r) => r.resource_id);
    },
  };
}
