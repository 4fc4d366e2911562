import type { AttachRoleActionsRequest, CheckActionRequest, CreateRoleRequest, RegisterActionsRequest, UpdateRoleRequest, UserActionsQuery } from '@sentinel/contracts';
import { NotAllowedError, NotFoundError, type AdminIdentity, type ServiceIdentity, type UserIdentity } from '@sentinel/http';
import type { Role, RoleActor, RoleMember, RoleRepository, ServiceAction } from '../data/roles';
import { assertServiceScope } from './scope';

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const adminActor = (admin: AdminIdentity): RoleActor => ({ userId: admin.user_id });

export type Roles = ReturnType<typeof createRoles>;

/**
 * Custom RBAC: services register their actions and ask whether the user's roles grant one;
 * admins manage roles. Roles and memberships are read from the database on every question.
 */
export function createRoles(roles: RoleRepository) {
  /** The token's own workspace only (403 otherwise), for the key's own service only (403). */
  const assertCaller = (service: ServiceIdentity, user: UserIdentity, serviceName: string, workspaceId: string, what: string) => {
    assertServiceScope(service, serviceName);
    if (!sameId(workspaceId, user.workspace_id)) throw new NotAllowedError(`Cross-workspace ${what} not allowed`);
  };

  return {
    /** Idempotent upsert of the key's own service's actions (descriptions given are updated). */
    async registerActions(service: ServiceIdentity, body: RegisterActionsRequest): Promise<ServiceAction[]> {
      assertServiceScope(service, body.service_name);
      // One row per action name; the last description given wins.
      const byName = new Map(body.actions.map((a) => [a.action, a] as const));
      return roles.registerActions(body.service_name, [...byName.values()], {
        userId: null,
        service: { appId: service.app_id, serviceName: service.service_name },
      });
    },

    /** Allowed when a role the user has in the workspace (as a current member) grants the action. */
    async checkAction(service: ServiceIdentity, user: UserIdentity, body: CheckActionRequest) {
      assertCaller(service, user, body.service_name, body.workspace_id, 'check');
      const names = await roles.rolesGranting(user.workspace_id, user.user_id, body.service_name, body.action);
      return { allowed: names.length > 0, roles: names };
    },

    async userActions(service: ServiceIdentity, user: UserIdentity, query: UserActionsQuery) {
      assertCaller(service, user, query.service_name, query.workspace_id, 'lookup');
      return { actions: await roles.userActions(user.workspace_id, user.user_id, query.service_name) };
    },

    listActions: (serviceName?: string) => roles.listActions(serviceName),
    deleteAction: (admin: AdminIdentity, id: string) => roles.deleteAction(id, adminActor(admin)),

    async listRoles(workspaceId: string): Promise<Role[]> {
      if (!(await roles.workspaceExists(workspaceId))) throw new NotFoundError('Workspace not found');
      return roles.listRoles(workspaceId);
    },

    async createRole(admin: AdminIdentity, workspaceId: string, body: CreateRoleRequest): Promise<Role> {
      if (!(await roles.workspaceExists(workspaceId))) throw new NotFoundError('Workspace not found');
      return roles.createRole(workspaceId, { name: body.name, description: body.description ?? null }, adminActor(admin));
    },

    getRole: (id: string) => roles.getRole(id),
    updateRole: (admin: AdminIdentity, id: string, body: UpdateRoleRequest) => roles.updateRole(id, body, adminActor(admin)),
    deleteRole: (admin: AdminIdentity, id: string) => roles.deleteRole(id, adminActor(admin)),

    roleActions: (id: string) => roles.roleActions(id),
    async attachActions(admin: AdminIdentity, id: string, body: AttachRoleActionsRequest): Promise<ServiceAction[]> {
      await roles.attachActions(id, body.service_action_ids, adminActor(admin));
      return roles.roleActions(id);
    },
    detachAction: (admin: AdminIdentity, id: string, serviceActionId: string) => roles.detachAction(id, serviceActionId, adminActor(admin)),

    roleMembers: (id: string): Promise<RoleMember[]> => roles.roleMembers(id),
    /** Only a current member of the role's own workspace can be given the role (400 otherwise). */
    assignMember: (admin: AdminIdentity, id: string, userId: string) => roles.assignMember(id, userId, adminActor(admin)),
    unassignMember: (admin: AdminIdentity, id: string, userId: string) => roles.unassignMember(id, userId, adminActor(admin)),
  };
}
