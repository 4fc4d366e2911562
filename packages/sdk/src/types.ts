/**
 * The API's request and response bodies (docs/api.md, "Permissions"), written out by hand so that the
 * published types need no schema library; test/contract-types.test.ts proves them equal to the
 * zod schemas the services answer with. Bodies keep the API's snake_case field names.
 */
export type WorkspaceRole = 'viewer' | 'editor' | 'admin' | 'owner';
export type Visibility = 'private' | 'workspace';
export type PermissionAction = 'view' | 'edit';
export type GranteeType = 'user' | 'group';

export interface ResourceShare {
  id: string;
  grantee_type: GranteeType;
  grantee_id: string;
  permission: PermissionAction;
  granted_by: string | null;
  granted_at: string;
}

/** A registered resource and its shares (register, visibility, the ACL). */
export interface ResourcePermission {
  id: string;
  service_name: string;
  resource_type: string;
  resource_id: string;
  workspace_id: string;
  owner_id: string | null;
  visibility: Visibility;
  created_at: string;
  shares: ResourceShare[];
}

export interface PermissionCheck {
  service_name: string;
  resource_type: string;
  resource_id: string;
  action: PermissionAction;
}

export interface PermissionResult extends PermissionCheck {
  allowed: boolean;
}

/** One page of POST /permissions/accessible. */
export interface AccessiblePage {
  resource_ids: string[];
  has_full_access: boolean;
  complete: boolean;
  next_cursor?: string | undefined;
}

export interface ServiceAction {
  id: string;
  service_name: string;
  action: string;
  description: string | null;
  created_at: string;
}

/** A workspace offered after login (GET /auth/workspaces). */
export interface LoginWorkspace {
  id: string;
  name: string;
  slug: string;
  role: WorkspaceRole;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}
