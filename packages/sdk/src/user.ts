import { roleAtLeast } from '@sentinel/contracts/workspace-roles';
import type { WorkspaceRole } from './types';

/** The verified identity of a request, as 0.7's SDK: the token's claims under their API names. */
export class AuthenticatedUser {
  readonly user_id: string;
  readonly email: string;
  readonly name: string;
  readonly workspace_id: string;
  readonly workspace_slug: string;
  readonly workspace_role: WorkspaceRole;
  readonly groups: readonly string[];
  // A private field: never enumerated, so logging or serializing the user leaks no token.
  readonly #token: string;

  constructor(fields: Omit<AuthenticatedUser, 'token' | 'hasRole' | 'isAdmin' | 'isEditor'>, token: string) {
    this.user_id = fields.user_id;
    this.email = fields.email;
    this.name = fields.name;
    this.workspace_id = fields.workspace_id;
    this.workspace_slug = fields.workspace_slug;
    this.workspace_role = fields.workspace_role;
    this.groups = Object.freeze([...fields.groups]);
    this.#token = token;
    Object.freeze(this);
  }

  /** The bearer token the user presented, for calls made on their behalf (PermissionClient). */
  get token(): string {
    return this.#token;
  }

  /** viewer < editor < admin < owner; an unknown minimum is never met. */
  hasRole(minimum: WorkspaceRole): boolean {
    return roleAtLeast(this.workspace_role, minimum);
  }

  /** admin or owner */
  get isAdmin(): boolean {
    return this.hasRole('admin');
  }

  /** editor, admin or owner */
  get isEditor(): boolean {
    return this.hasRole('editor');
  }
}
