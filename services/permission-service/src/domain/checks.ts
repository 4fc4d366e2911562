import { roleAtLeast, type AccessibleRequest, type AccessibleResponse, type PermissionCheck } from '@sentinel/contracts';
import { NotAllowedError, type ServiceIdentity, type UserIdentity } from '@sentinel/http';
import type { AccessRepository, CheckKey, LoadedResource } from '../data/access';
import { decodeCursor, encodeCursor } from './cursor';
import { evaluateCheck, hasFullAccess, type Caller } from './evaluate';
import type { RevisionCache } from './revision-cache';
import { assertServiceScope } from './scope';

const keyOf = (resourceType: string, resourceId: string) => `${resourceType}\u0000${resourceId.toLowerCase()}`;
/** Cache entries are per caller workspace: only that workspace's revision is read and compared. */
const cacheKeyOf = (workspaceId: string, serviceName: string, key: string) => `${workspaceId}\u0000${serviceName}\u0000${key}`;

export type Checks = ReturnType<typeof createChecks>;

/**
 * Checks and accessible lists. A check reads the workspace's access revision together with the
 * caller's current role and groups (one statement, on every request), then takes each resource's
 * facts (owner, visibility, shares) from this replica's cache when they were loaded at that same
 * revision, and loads the rest in one more statement.
 *
 * Why this can never serve an allow after a revoke: every change to the cached facts (unshare,
 * visibility, deregister, purge, and also share and any visibility change, so that grants show at
 * once too) bumps the revision in its own transaction. A request that starts after such a change
 * committed reads the bumped revision, so no entry from before it matches. Facts are loaded
 * after the revision was read, so they are at least as new as the revision they are stored under.
 * Role and groups are never cached: membership changes need no bump to show on the next check.
 * Unknown resources are not cached, so registering needs no bump either.
 */
export function createChecks(access: AccessRepository, cache: RevisionCache<LoadedResource>) {
  return {
    /**
     * Answers 1..100 checks in request order. Every item must name the key's own service (403
     * for the whole request otherwise); at most two reads serve the batch, whatever its size.
     */
    async check(service: ServiceIdentity, user: UserIdentity, checks: readonly PermissionCheck[]) {
      for (const item of checks) assertServiceScope(service, item.service_name);
      const standing = await access.standing(user.workspace_id, user.user_id);
      if (!standing) return checks.map((item) => ({ ...item, allowed: false }));

      const byKey = new Map<string, LoadedResource>();
      const misses = new Map<string, CheckKey>();
      for (const item of checks) {
        const key = keyOf(item.resource_type, item.resource_id);
        if (byKey.has(key) || misses.has(key)) continue;
        const cached = cache.get(cacheKeyOf(user.workspace_id, service.service_name, key), standing.revision);
        if (cached) byKey.set(key, cached);
        else misses.set(key, { resourceType: item.resource_type, resourceId: item.resource_id });
      }
      if (misses.size > 0) {
        for (const resource of await access.resourceFacts(service.service_name, [...misses.values()])) {
          const key = keyOf(resource.resourceType, resource.resourceId);
          byKey.set(key, resource);
          // Only the caller's workspace's revision was read: another workspace's resource is not cached.
          if (resource.workspaceId === user.workspace_id) cache.set(cacheKeyOf(user.workspace_id, service.service_name, key), standing.revision, resource);
        }
      }
      const caller: Caller = { userId: user.user_id, workspaceId: user.workspace_id, member: standing.member };
      return checks.map((item) => {
        const resource = byKey.get(keyOf(item.resource_type, item.resource_id));
        return { ...item, allowed: evaluateCheck(caller, resource, resource?.shares ?? [], item.action) };
      });
    },

    /**
     * The ids the user reaches, in resource-id order. Admins and owners without a limit get
     * `has_full_access` and no ids (0.7); with a limit, a page of the workspace's ids. A page
     * that is not the end of the list says so and carries the cursor of the next one.
     */
    async accessible(service: ServiceIdentity, user: UserIdentity, body: AccessibleRequest): Promise<AccessibleResponse> {
      assertServiceScope(service, body.service_name);
      if (body.workspace_id.toLowerCase() !== user.workspace_id.toLowerCase()) throw new NotAllowedError('Cross-workspace lookup not allowed');
      const member = await access.member(user.workspace_id, user.user_id);
      if (!member) return { resource_ids: [], has_full_access: false, complete: true };
      const full = hasFullAccess(member);
      if (full && body.limit === undefined) return { resource_ids: [], has_full_access: true, complete: true };

      const query = {
        workspaceId: user.workspace_id,
        serviceName: body.service_name,
        resourceType: body.resource_type,
        after: body.cursor === undefined ? null : decodeCursor(body.cursor),
        // One more than asked: whether it comes back tells whether the list goes on.
        take: body.limit === undefined ? null : body.limit + 1,
      };
      const ids = full
        ? await access.allIds(query)
        : await access.reachableIds(query, {
            userId: user.user_id,
            groups: [...member.groups],
            workspaceVisible: body.action === 'view' || roleAtLeast(member.role, 'editor'),
            action: body.action,
          });
      const page = body.limit === undefined ? ids : ids.slice(0, body.limit);
      const last = page.at(-1);
      const complete = page.length === ids.length || last === undefined;
      return { resource_ids: page, has_full_access: full, complete, ...(complete ? {} : { next_cursor: encodeCursor(last) }) };
    },
  };
}
