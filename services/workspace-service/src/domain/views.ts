import type { GroupResponse, MemberResponse, WorkspaceResponse } from '@sentinel/contracts';
import type { WorkspaceRole } from '@sentinel/http';

/** Rows as the domain reads them, mapped to the API's shapes (plain objects, no Prisma types). */

export interface WorkspaceRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  createdById: string | null;
  createdAt: Date;
}

export const toWorkspace = (w: WorkspaceRow): WorkspaceResponse => ({
  id: w.id,
  slug: w.slug,
  name: w.name,
  description: w.description,
  created_by: w.createdById,
  created_at: w.createdAt.toISOString(),
});

export interface MemberRow {
  role: string;
  joinedAt: Date;
  user: { id: string; email: string; name: string; avatarUrl: string | null };
}

export const toMember = (m: MemberRow): MemberResponse => ({
  user_id: m.user.id,
  email: m.user.email,
  name: m.user.name,
  avatar_url: m.user.avatarUrl,
  role: m.role as WorkspaceRole,
  joined_at: m.joinedAt.toISOString(),
});

export const memberSelect = {
  role: true,
  joinedAt: true,
  user: { select: { id: true, email: true, name: true, avatarUrl: true } },
} as const;

export interface GroupRow {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  createdById: string | null;
  createdAt: Date;
}

export const toGroup = (g: GroupRow): GroupResponse => ({
  id: g.id,
  workspace_id: g.workspaceId,
  name: g.name,
  description: g.description,
  created_by: g.createdById,
  created_at: g.createdAt.toISOString(),
});
