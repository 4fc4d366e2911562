import { randomUUID } from 'node:crypto';
import type { WorkspaceRole } from '@sentinel/http';
import type { Database } from '@sentinel/db';
import { identityHeader, testService, testUser } from '@sentinel/testing';

/** Seeds users, workspaces, memberships and groups straight into the file's own database. */
export function seeder(prisma: () => Database) {
  const tag = () => randomUUID().slice(0, 8);
  return {
    async workspace(): Promise<string> {
      const ws = await prisma().workspace.create({ data: { slug: `ws-${tag()}`, name: 'Workspace' } });
      return ws.id;
    },
    async user(workspaceId?: string, role: WorkspaceRole = 'viewer'): Promise<string> {
      const user = await prisma().user.create({ data: { email: `u-${tag()}@example.com`, name: 'User' } });
      if (workspaceId) await prisma().workspaceMembership.create({ data: { workspaceId, userId: user.id, role } });
      return user.id;
    },
    async setRole(workspaceId: string, userId: string, role: WorkspaceRole): Promise<void> {
      await prisma().workspaceMembership.update({ where: { workspaceId_userId: { workspaceId, userId } }, data: { role } });
    },
    async removeMember(workspaceId: string, userId: string): Promise<void> {
      await prisma().workspaceMembership.delete({ where: { workspaceId_userId: { workspaceId, userId } } });
    },
    async group(workspaceId: string, members: string[] = []): Promise<string> {
      const group = await prisma().group.create({ data: { workspaceId, name: `g-${tag()}` } });
      for (const userId of members) await prisma().groupMembership.create({ data: { groupId: group.id, userId } });
      return group.id;
    },
    async removeFromGroup(groupId: string, userId: string): Promise<void> {
      await prisma().groupMembership.delete({ where: { groupId_userId: { groupId, userId } } });
    },
    async revision(workspaceId: string): Promise<bigint> {
      return (await prisma().workspace.findUniqueOrThrow({ where: { id: workspaceId } })).accessRevision;
    },
  };
}

/** The gateway's identity for a service-tier call by the `service_name` key. */
export const asService = (serviceName = 'docs') => identityHeader({ service: testService({ service_name: serviceName }) });

export interface TokenClaims {
  user_id: string;
  workspace_id: string;
  workspace_role?: WorkspaceRole;
  groups?: string[];
}

/** The gateway's identity for a dual-tier call: the service key plus the user's token claims. */
export const asUser = (claims: TokenClaims, serviceName = 'docs') =>
  identityHeader({ service: testService({ service_name: serviceName }), user: testUser({ workspace_role: 'viewer', groups: [], ...claims }) });

export const registerBody = (over: Record<string, unknown> = {}) => ({
  service_name: 'docs',
  resource_type: 'document',
  resource_id: randomUUID(),
  visibility: 'private',
  ...over,
});
