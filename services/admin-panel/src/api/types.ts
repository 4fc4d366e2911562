/**
 * Response shapes of the admin API (Sentinel Auth 0.7: the reference guide "Sentinel Auth 0.7 —
 * the HTTP contract in detail", §2.7 "Admin API"; docs/api.md, "Admin API").
 */
import { WORKSPACE_ROLES, type WorkspaceRole } from '@sentinel/contracts/workspace-roles';

export type Role = WorkspaceRole;
export const ROLES: readonly Role[] = WORKSPACE_ROLES;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface AdminMe {
  id: string;
  email: string;
  name: string;
}

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  avatar_url?: string | null;
  is_active: boolean;
  is_admin: boolean;
  created_at: string;
  workspace_count?: number;
}

export interface UserDetail extends UserSummary {
  social_accounts: Array<{ id: string; provider: string; provider_user_id: string }>;
  memberships: Array<{ workspace_id: string; workspace_name: string; workspace_slug: string; role: Role; joined_at: string }>;
}

export interface Stats {
  total_users: number;
  total_workspaces: number;
  total_groups: number;
  total_resources: number;
  active_users: number;
  inactive_users: number;
  recent_users: UserSummary[];
  top_workspaces: Array<{ id: string; name: string; slug: string; member_count: number }>;
}

export interface Workspace {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  created_by: string | null;
  created_at: string;
  member_count?: number;
  group_count?: number;
}

export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  joined_at: string;
}

export interface Group {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  created_at: string;
  member_count?: number;
}

export interface GroupMember {
  user_id: string;
  email: string;
  name: string;
  added_at: string;
}

export interface CustomRole {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  action_count: number;
  member_count: number;
}

export interface RoleMember {
  user_id: string;
  email: string;
  name: string | null;
  assigned_at: string;
}

export interface ServiceAction {
  id: string;
  service_name: string;
  action: string;
  description: string | null;
  created_at: string;
}

export interface Share {
  id: string;
  grantee_type: 'user' | 'group';
  grantee_id: string;
  permission: 'view' | 'edit';
  granted_at: string;
  grantee_name?: string | null;
  grantee_email?: string | null;
}

export interface Permission {
  id: string;
  service_name: string;
  resource_type: string;
  resource_id: string;
  workspace_id: string;
  owner_id: string | null;
  owner_email?: string | null;
  visibility: 'private' | 'workspace';
  created_at: string;
  share_count?: number;
  shares?: Share[];
}

export interface ClientApp {
  id: string;
  name: string;
  redirect_uris: string[];
  is_active: boolean;
  created_at: string;
}

export interface ServiceApp {
  id: string;
  name: string;
  service_name: string;
  key_prefix: string;
  is_active: boolean;
  last_used_at: string | null;
  created_at: string;
}

export interface ActivityEntry {
  id: string;
  action: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  target_type: string | null;
  target_id: string | null;
  workspace_id: string | null;
  detail: unknown;
  created_at: string;
}

export interface CsvPreview {
  rows: Array<{ email: string; name: string; workspace_slug: string; role: string; error: string | null }>;
  valid_count: number;
  error_count: number;
}

export interface CsvResult {
  users_created: number;
  memberships_added: number;
  errors: unknown[];
}

/** Some admin lists are plain arrays in 0.7, others pages: accept both. */
export function itemsOf<T>(body: T[] | Page<T>): T[] {
  return Array.isArray(body) ? body : body.items;
}
