import type { GranteeType, PermissionAction, Visibility } from '@sentinel/contracts';
import { workspaceRoleSchema } from '@sentinel/contracts';
import { Prisma, type Database } from '@sentinel/db';
import type { Pool } from 'pg';
import type { MemberFacts, ResourceFacts, ShareFacts } from '../domain/evaluate';

export interface CheckKey {
  resourceType: string;
  resourceId: string;
}

export interface LoadedResource extends ResourceFacts {
  resourceType: string;
  resourceId: string;
  /** Every share of the resource (the evaluator picks those that name the caller). */
  shares: ShareFacts[];
}

/** What every check reads first: the workspace's access revision and the caller's standing in it. */
export interface Standing {
  revision: bigint;
  /** Null when the user is not a member of the workspace now. */
  member: MemberFacts | null;
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
 *
 * The two statements every check runs (`standing`, `resourceFacts`) go through `pool` as named
 * prepared statements, parsed and planned once per connection. Measured on the seeded benchmark
 * data: the standing read costs Postgres 0.08 ms of CPU prepared against 0.3 ms unprepared, and
 * 0.17 ms of wall time on the pool against 1.3 ms through Prisma's $queryRaw.
 */
export function createAccessRepository(prisma: Database, pool: Pool) {
  /**
   * The workspace's access revision and the caller's current role and groups, in one statement
   * (one round trip, so checks pay for it on every request). Null when the workspace is gone.
   */
  const standing = async (workspaceId: string, userId: string): Promise<Standing | null> => {
    const { rows } = await pool.query<{ revision: string; role: string | null; groups: string[] | null }>({
      name: 'permission_standing',
      text: `
        SELECT w.access_revision AS revision, m.role,
               CASE WHEN m.user_id IS NULL THEN NULL ELSE
                 ARRAY(SELECT gm.group_id::text FROM group_memberships gm JOIN groups g ON g.id = gm.group_id
                       WHERE gm.user_id = m.user_id AND g.workspace_id = w.id) END AS groups
        FROM workspaces w
        LEFT JOIN workspace_memberships m ON m.workspace_id = w.id AND m.user_id = $2::uuid
        WHERE w.id = $1::uuid`,
      values: [workspaceId, userId],
    });
    const row = rows[0];
    if (!row) return null;
    const role = workspaceRoleSchema.safeParse(row.role);
    return { revision: BigInt(row.revision), member: role.success ? { role: role.data, groups: new Set(row.groups ?? []) } : null };
  };

  return {
    standing,

    /** The user's current role and groups in the workspace; null when not a member (or no workspace). */
    async member(workspaceId: string, userId: string): Promise<MemberFacts | null> {
      return (await standing(workspaceId, userId))?.member ?? null;
    },

    /** Whether a user is a member of the workspace, or a group is one of its groups, now. */
    async granteeInWorkspace(workspaceId: string, granteeType: GranteeType, granteeId: string): Promise<boolean> {
      const row =
        granteeType === 'user'
          ? await prisma.workspaceMembership.findUnique({ where: { workspaceId_userId: { workspaceId, userId: granteeId } }, select: { id: true } })
          : await prisma.group.findFirst({ where: { id: granteeId, workspaceId }, select: { id: true } });
      return row !== null;
    },

    /**
     * The registered resources among `keys` of one service (any workspace), each with all its
     * shares: what a check needs to know about a resource, whoever asks (so it can be cached).
     */
    async resourceFacts(serviceName: string, keys: readonly CheckKey[]): Promise<LoadedResource[]> {
      const { rows } = await pool.query<{
        id: string;
        resource_type: string;
        resource_id: string;
        workspace_id: string;
        owner_id: string | null;
        visibility: Visibility;
        shares: string[];
      }>({
        name: 'permission_resource_facts',
        text: `
          SELECT r.id::text AS id, r.resource_type, r.resource_id::text AS resource_id, r.workspace_id::text AS workspace_id,
                 r.owner_id::text AS owner_id, r.visibility,
                 ARRAY(SELECT s.grantee_type || ':' || s.grantee_id::text || ':' || s.permission
                       FROM resource_shares s WHERE s.resource_permission_id = r.id) AS shares
          FROM resource_permissions r
          WHERE r.service_name = $1
            AND (r.resource_type, r.resource_id) IN (SELECT * FROM unnest($2::text[], $3::uuid[]))`,
        values: [serviceName, keys.map((k) => k.resourceType), keys.map((k) => k.resourceId)],
      });
      return rows.map((r) => ({
        id: r.id,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        workspaceId: r.workspace_id,
        ownerId: r.owner_id,
        visibility: r.visibility,
        // CHECK constraints hold grantee_type and permission to their enums (no ':' in either).
        shares: r.shares.map((packed) => {
          const [granteeType, granteeId, permission] = packed.split(':') as [GranteeType, string, PermissionAction];
          return { resourcePermissionId: r.id, granteeType, granteeId, permission };
        }),
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
