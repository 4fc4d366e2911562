import { roleAtLeast, type GranteeType, type PermissionAction, type Visibility } from '@sentinel/contracts';
import type { WorkspaceRole } from '@sentinel/http';

/** What a check needs to know about a resource. */
export interface ResourceFacts {
  id: string;
  workspaceId: string;
  ownerId: string | null;
  visibility: Visibility;
}

/** One share that may apply to the caller (to them, or to one of their groups). */
export interface ShareFacts {
  resourcePermissionId: string;
  granteeType: GranteeType;
  granteeId: string;
  permission: PermissionAction;
}

/** The caller's current standing in the workspace, read from the database (not the token). */
export interface MemberFacts {
  role: WorkspaceRole;
  groups: ReadonlySet<string>;
}

export interface Caller {
  userId: string;
  /** The token's workspace (`wid`). */
  workspaceId: string;
  /** Null when the user is no longer a member of that workspace. */
  member: MemberFacts | null;
}

const grants = (share: PermissionAction, action: PermissionAction): boolean => action === 'view' || share === 'edit';

/**
 * The check semantics of docs/api.md, in order, as a pure function over loaded data:
 * unknown resource → deny; another workspace than `wid` → deny; (not a member any more → deny);
 * owner → allow; admin/owner role → allow; `workspace` visibility → view for every member, edit
 * for editors; a user share, then a share to one of the user's groups → view, or edit if the
 * share is `edit`. Otherwise deny.
 *
 * A user who has left the workspace is denied even on resources they still own: removal is a
 * revoke and must take effect on the next check.
 */
export function evaluateCheck(
  caller: Caller,
  resource: ResourceFacts | undefined,
  shares: readonly ShareFacts[],
  action: PermissionAction,
): boolean {
  if (!resource) return false;
  if (resource.workspaceId !== caller.workspaceId) return false;
  const member = caller.member;
  if (!member) return false;
  if (resource.ownerId !== null && resource.ownerId === caller.userId) return true;
  if (hasFullAccess(member)) return true;
  if (resource.visibility === 'workspace' && (action === 'view' || roleAtLeast(member.role, 'editor'))) return true;
  for (const share of shares) {
    if (share.resourcePermissionId !== resource.id || !grants(share.permission, action)) continue;
    if (share.granteeType === 'user' && share.granteeId === caller.userId) return true;
    if (share.granteeType === 'group' && member.groups.has(share.granteeId)) return true;
  }
  return false;
}

/** Whether the role sees every resource of its workspace (accessible's `has_full_access`). */
export function hasFullAccess(member: MemberFacts | null): boolean {
  return member !== null && roleAtLeast(member.role, 'admin');
}
