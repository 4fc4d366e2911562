import type { AdminPermissionsQuery, RegisterResourceRequest, ShareRequest, UnshareRequest, Visibility } from '@sentinel/contracts';
import { InputError, NotAllowedError, NotFoundError, type AdminIdentity, type ServiceIdentity, type UserIdentity } from '@sentinel/http';
import type { AccessRepository } from '../data/access';
import type { AdminPermissionRepository } from '../data/admin-permissions';
import type { Actor, Resource, ResourceKey, ResourceRepository, Share } from '../data/resources';
import { hasFullAccess } from './evaluate';
import { assertServiceScope } from './scope';

const serviceActor = (service: ServiceIdentity, user?: UserIdentity): Actor => ({
  app: { id: service.app_id, serviceName: service.service_name },
  userId: user?.user_id ?? null,
});
const adminActor = (admin: AdminIdentity): Actor => ({ userId: admin.user_id });

export interface EnrichedResource extends Resource {
  ownerName: string | null;
  ownerEmail: string | null;
  shares: Array<Share & { granteeName: string | null; granteeEmail: string | null }>;
}

export type Resources = ReturnType<typeof createResources>;

/** Registration, sharing, visibility and deregistration, with the rules of docs/api.md. */
export function createResources(deps: { resources: ResourceRepository; access: AccessRepository; adminList: AdminPermissionRepository }) {
  const { resources, access } = deps;

  const findResource = async (id: string): Promise<Resource> => {
    const resource = await resources.findById(id);
    if (!resource) throw new NotFoundError('Permission not found');
    return resource;
  };

  /** The resource addressed by id, if the key's service owns it (404 first: ids are not secrets to leak). */
  const ownResource = async (service: ServiceIdentity, id: string): Promise<Resource> => {
    const resource = await findResource(id);
    assertServiceScope(service, resource.serviceName);
    return resource;
  };

  /** Whoever shares, the grantee must belong to the resource's workspace now (400 otherwise). */
  const shareWithMember = async (resource: Resource, body: ShareRequest, actor: Actor): Promise<void> => {
    if (!(await access.granteeInWorkspace(resource.workspaceId, body.grantee_type, body.grantee_id))) {
      throw new InputError(`The ${body.grantee_type} is not in the resource's workspace`);
    }
    await resources.share(resource.id, { type: body.grantee_type, id: body.grantee_id, permission: body.permission }, actor);
  };

  /** The ACL with the owner's and grantees' names and emails and group names (+). */
  const enrich = async (resource: Resource): Promise<EnrichedResource> => {
    const userIds = new Set(resource.shares.filter((s) => s.granteeType === 'user').map((s) => s.granteeId));
    if (resource.ownerId) userIds.add(resource.ownerId);
    const groupIds = resource.shares.filter((s) => s.granteeType === 'group').map((s) => s.granteeId);
    const names = await resources.names([...userIds], groupIds);
    const owner = resource.ownerId ? names.users.get(resource.ownerId) : undefined;
    return {
      ...resource,
      ownerName: owner?.name ?? null,
      ownerEmail: owner?.email ?? null,
      shares: resource.shares.map((share) => {
        const user = share.granteeType === 'user' ? names.users.get(share.granteeId) : undefined;
        const group = share.granteeType === 'group' ? names.groups.get(share.granteeId) : undefined;
        return { ...share, granteeName: user?.name ?? group?.name ?? null, granteeEmail: user?.email ?? null };
      }),
    };
  };

  /** The ACL of a resource of the key's own service. */
  const get = async (service: ServiceIdentity, key: ResourceKey): Promise<Resource> => {
    assertServiceScope(service, key.serviceName);
    const resource = await resources.findByKey(key);
    if (!resource) throw new NotFoundError('Resource not found');
    return resource;
  };

  return {
    /** Idempotent: the existing record, unchanged, when the resource is already registered (0.7). */
    async register(service: ServiceIdentity, body: RegisterResourceRequest) {
      assertServiceScope(service, body.service_name);
      const key: ResourceKey = { serviceName: body.service_name, resourceType: body.resource_type, resourceId: body.resource_id };
      const existing = await resources.findByKey(key);
      if (existing) return { resource: existing, created: false };
      const refs = await resources.referencesExist(body.workspace_id, body.owner_id);
      if (!refs.workspace) throw new InputError('Workspace not found');
      if (!refs.user) throw new InputError('Owner not found');
      return resources.register(
        { ...key, workspaceId: body.workspace_id, ownerId: body.owner_id, visibility: body.visibility },
        serviceActor(service),
      );
    },

    /**
     * Only the owner or a workspace admin/owner (current role, from the database) may share, in
     * the caller's own workspace; the grantee must belong to it. Sharing again updates the share.
     */
    async share(service: ServiceIdentity, user: UserIdentity, id: string, body: ShareRequest): Promise<void> {
      const resource = await ownResource(service, id);
      if (resource.workspaceId !== user.workspace_id) throw new NotAllowedError('Cross-workspace sharing not allowed');
      const member = await access.member(user.workspace_id, user.user_id);
      const isOwner = resource.ownerId !== null && resource.ownerId === user.user_id;
      if (!member || !(isOwner || hasFullAccess(member))) {
        throw new NotAllowedError('Only the resource owner or workspace admin can share');
      }
      await shareWithMember(resource, body, serviceActor(service, user));
    },

    async unshare(service: ServiceIdentity, id: string, body: UnshareRequest): Promise<void> {
      await ownResource(service, id);
      await resources.unshare(id, { type: body.grantee_type, id: body.grantee_id }, serviceActor(service));
    },

    async setVisibility(service: ServiceIdentity, id: string, visibility: Visibility): Promise<Resource> {
      await ownResource(service, id);
      return resources.setVisibility(id, visibility, serviceActor(service));
    },

    get,

    async getEnriched(service: ServiceIdentity, key: ResourceKey): Promise<EnrichedResource> {
      return enrich(await get(service, key));
    },

    async deregister(service: ServiceIdentity, key: ResourceKey): Promise<void> {
      assertServiceScope(service, key.serviceName);
      await resources.deregister(key, serviceActor(service));
    },

    /**
     * The /admin door to the same rules: any service, no owner-or-admin rule for sharing (the
     * caller is a Sentinel admin), but the same grantee rule, revision bumps and activity entries,
     * with the admin as actor.
     */
    admin: {
      list: (query: AdminPermissionsQuery) => deps.adminList.list(query),
      get: async (id: string): Promise<EnrichedResource> => enrich(await findResource(id)),
      share: async (admin: AdminIdentity, id: string, body: ShareRequest): Promise<void> =>
        shareWithMember(await findResource(id), body, adminActor(admin)),
      unshare: (admin: AdminIdentity, id: string, grantee: UnshareRequest): Promise<void> =>
        resources.unshare(id, { type: grantee.grantee_type, id: grantee.grantee_id }, adminActor(admin)),
      setVisibility: (admin: AdminIdentity, id: string, visibility: Visibility): Promise<Resource> =>
        resources.setVisibility(id, visibility, adminActor(admin)),
    },

    /** Every resource of a service and its shares go (its service app is being deleted; token-service asks). */
    purgeService: (serviceName: string, appId: string, actorId: string | null) => resources.purgeService(serviceName, appId, actorId),
  };
}
