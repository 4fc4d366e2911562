import type { Database } from '@sentinel/db';

export interface Seeded {
  userId: string;
  workspaceId: string;
  otherWorkspaceId: string;
  groupId: string;
}

let counter = 0;

/** A user who is an editor of one workspace (in one group there) and a viewer of another. */
export async function seedMember(prisma: Database, role = 'editor'): Promise<Seeded> {
  counter += 1;
  const n = `${Date.now().toString(36)}-${counter}`;
  const user = await prisma.user.create({ data: { email: `member-${n}@example.com`, name: `Member ${n}` } });
  const workspace = await prisma.workspace.create({ data: { slug: `ws-${n}`, name: 'Main' } });
  const other = await prisma.workspace.create({ data: { slug: `other-${n}`, name: 'Other' } });
  await prisma.workspaceMembership.createMany({
    data: [
      { workspaceId: workspace.id, userId: user.id, role },
      { workspaceId: other.id, userId: user.id, role: 'viewer' },
    ],
  });
  const group = await prisma.group.create({ data: { workspaceId: workspace.id, name: `group-${n}` } });
  await prisma.groupMembership.create({ data: { groupId: group.id, userId: user.id } });
  return { userId: user.id, workspaceId: workspace.id, otherWorkspaceId: other.id, groupId: group.id };
}
