import type { AccessibleRequest, AccessibleResponse, PermissionCheck } from '@sentinel/contracts';
import { NotAllowedError, type ServiceIdentity, type UserIdentity } from '@sentinel/http';
import type { AccessRepository, LoadedResource } from '../data/access';
import { decodeCursor, encodeCursor } from './cursor';
import { evaluateCheck, hasFullAccess, type Caller } from './evaluate';
import { assertServiceScope } from './scope';

const keyOf = (resourceType: string, resourceId: string) => `${resourceType}\u0000${resourceId.toLowerCase()}`;

export type Checks = ReturnType<typeof createChecks>;

/** Checks and accessible lists: loads the facts in a fixed number of reads, then decides purely. */
export function createChecks(access: AccessRepository) {
  return {
    /**
     * Answers 1..100 checks in request order. Every item must name the key's own service (403
     * for the whole request otherwise); three reads serve the batch, whatever its size.
     */
    async check(service: ServiceIdentity, user: UserIdentity, checks: readonly PermissionCheck[]) {
      for (const item of checks) assertServiceScope(service, item.service_name);
      const seen = new Map<string, { resourceType: string; resourceId: string }>();
      for (const item of checks) seen.set(keyOf(item.resource_type, item.resource_id), { resourceType: item.resource_type, resourceId: item.resource_id });
      const keys = [...seen.values()];
      const [member, resources, shares] = await Promise.all([
        access.member(user.workspace_id, user.user_id),
        access.resources(service.service_name, keys),
        access.shares(service.service_name, keys, user.workspace_id, user.user_id),
      ]);
      const byKey = new Map<string, LoadedResource>(resources.map((r) => [keyOf(r.resourceType, r.resourceId), r]));
      const caller: Caller = { userId: user.user_id, workspaceId: user.workspace_id, member };
      return checks.map((item) => ({
        ...item,
        allowed: evaluateCheck(caller, byKey.get(keyOf(item.resource_type, item.resource_id)), shares, item.action),
      }));
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
            workspaceVisible: body.action === 'view' || member.role === 'editor',
            action: body.action,
          });
      const page = body.limit === undefined ? ids : ids.slice(0, body.limit);
      const last = page.at(-1);
      const complete = page.length === ids.length || last === undefined;
      return { resource_ids: page, has_full_access: full, complete, ...(complete ? {} : { next_cursor: encodeCursor(last) }) };
    },
  };
}
