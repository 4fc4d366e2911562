// No zod here: the SDK and the admin panel bundle this file (`@sentinel/contracts/workspace-roles`).

/** The workspace roles, lowest first: each role can do everything the roles before it can. */
export const WORKSPACE_ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** A role's place in WORKSPACE_ROLES (viewer 0 … owner 3). */
export const ROLE_RANK: Readonly<Record<WorkspaceRole, number>> = Object.freeze({ viewer: 0, editor: 1, admin: 2, owner: 3 });

const rankOf = (role: string): number | undefined => (Object.hasOwn(ROLE_RANK, role) ? ROLE_RANK[role as WorkspaceRole] : undefined);

/** `role` is `minimum` or above it. An unknown role never meets anything; an unknown minimum is never met. */
export function roleAtLeast(role: string, minimum: string): boolean {
  const have = rankOf(role);
  const need = rankOf(minimum);
  return have !== undefined && need !== undefined && have >= need;
}
