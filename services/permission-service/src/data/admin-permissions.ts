import type { AdminPermissionsQuery, Visibility } from '@sentinel/contracts';
import { escapeLike, pageSql, Prisma, searchCondition, toPage, type Database, type Page } from '@sentinel/db';
import type { Resource } from './resources';

/** A row of the admin permissions browser: the resource without its shares, plus two facts about them. */
export type AdminPermissionRow = Omit<Resource, 'shares'> & { ownerEmail: string | null; shareCount: number };

export type AdminPermissionRepository = ReturnType<typeof createAdminPermissionRepository>;

export function createAdminPermissionRepository(prisma: Database) {
  return {
    /** One page of resources matching the filters, and how many match in all. */
    async list(query: AdminPermissionsQuery): Promise<Page<AdminPermissionRow>> {
      const conditions: Prisma.Sql[] = [];
      if (query.workspace_id) conditions.push(Prisma.sql`r.workspace_id = ${query.workspace_id}::uuid`);
      if (query.service_name) conditions.push(Prisma.sql`r.service_name = ${query.service_name}`);
      if (query.resource_id) {
        // Ids are stored as uuid and print in lower case.
        conditions.push(Prisma.sql`r.resource_id::text LIKE ${`${escapeLike(query.resource_id.toLowerCase())}%`} ESCAPE '\\'`);
      }
      if (query.owner) conditions.push(searchCondition(query.owner, ['u.email']));
      const where = conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;
      const dir = query.sort_order === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`;
      // The id breaks every tie, so pages never overlap or skip rows.
      const order =
        query.sort_by === 'shares'
          ? Prisma.sql`share_count ${dir}, r.created_at ${dir}, r.id ${dir}`
          : Prisma.sql`r.created_at ${dir}, r.id ${dir}`;
      const [rows, [count]] = await Promise.all([
        prisma.$queryRaw<
          Array<{
            id: string;
            service_name: string;
            resource_type: string;
            resource_id: string;
            workspace_id: string;
            owner_id: string | null;
            visibility: Visibility;
            created_at: Date;
            owner_email: string | null;
            share_count: number;
          }>
        >`
          SELECT r.id::text AS id, r.service_name, r.resource_type, r.resource_id::text AS resource_id,
                 r.workspace_id::text AS workspace_id, r.owner_id::text AS owner_id, r.visibility, r.created_at,
                 u.email AS owner_email,
                 (SELECT count(*)::int FROM resource_shares s WHERE s.resource_permission_id = r.id) AS share_count
          FROM resource_permissions r LEFT JOIN users u ON u.id = r.owner_id
          ${where}
          ORDER BY ${order}
          ${pageSql(query)}`,
        prisma.$queryRaw<Array<{ total: number }>>`
          SELECT count(*)::int AS total FROM resource_permissions r LEFT JOIN users u ON u.id = r.owner_id ${where}`,
      ]);
      return toPage(
        query,
        rows.map((r) => ({
          id: r.id,
          serviceName: r.service_name,
          resourceType: r.resource_type,
          resourceId: r.resource_id,
          workspaceId: r.workspace_id,
          ownerId: r.owner_id,
          visibility: r.visibility,
          createdAt: r.created_at,
          ownerEmail: r.owner_email,
          shareCount: r.share_count,
        })),
        count?.total ?? 0,
      );
    },
  };
}
