import { ServiceClient } from './client';
import type {
  AccessiblePage,
  GranteeType,
  PermissionAction,
  PermissionCheck,
  PermissionResult,
  ResourcePermission,
  Visibility,
} from './types';

/** A check of this service's resources; `service_name` defaults to the client's. */
export type CheckInput = Omit<PermissionCheck, 'service_name'> & { service_name?: string };

export interface RegisterInput {
  resource_type: string;
  resource_id: string;
  workspace_id: string;
  owner_id: string;
  /** Default `workspace` (0.7). */
  visibility?: Visibility;
}

export interface ShareInput {
  grantee_type: GranteeType;
  grantee_id: string;
  permission: PermissionAction;
}

/** The API's batch limit of POST /permissions/check; longer lists are sent in several batches. */
const MAX_CHECKS = 100;
const seg = encodeURIComponent;

/**
 * Resource permissions through the gateway (`/permissions/*`), as one service (`serviceName`).
 * Calls on a user's behalf take their access token (`req.user.token`); the others use only the
 * service key. Failures throw SentinelError.
 */
export class PermissionClient extends ServiceClient {
  /** The answers in request order. */
  async check(token: string, checks: CheckInput[]): Promise<PermissionResult[]> {
    const results: PermissionResult[] = [];
    for (let i = 0; i < checks.length; i += MAX_CHECKS) {
      const batch = checks.slice(i, i + MAX_CHECKS).map((c) => ({ service_name: this.serviceName, ...c }));
      const body = await this.send<{ results: PermissionResult[] }>({
        method: 'POST',
        path: '/permissions/check',
        body: { checks: batch },
        headers: this.headers(token),
        retryable: 'always',
      });
      results.push(...body.results);
    }
    return results;
  }

  async can(token: string, resourceType: string, resourceId: string, action: PermissionAction): Promise<boolean> {
    const [result] = await this.check(token, [{ resource_type: resourceType, resource_id: resourceId, action }]);
    return result?.allowed === true;
  }

  /**
   * Every id of `resourceType` the user may `action` in `workspaceId`, following cursors until the
   * list is complete. `has_full_access` (admins and owners) means: all of them; without
   * `pageSize` the ids are then not listed (0.7), with it they are.
   */
  async accessible(
    token: string,
    resourceType: string,
    action: PermissionAction,
    workspaceId: string,
    options: { pageSize?: number } = {},
  ): Promise<{ resource_ids: string[]; has_full_access: boolean }> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.send<AccessiblePage>({
        method: 'POST',
        path: '/permissions/accessible',
        body: { service_name: this.serviceName, resource_type: resourceType, action, workspace_id: workspaceId, limit: options.pageSize, cursor },
        headers: this.headers(token),
        retryable: 'always',
      });
      ids.push(...page.resource_ids);
      if (page.complete || !page.next_cursor) return { resource_ids: ids, has_full_access: page.has_full_access };
      cursor = page.next_cursor;
    }
  }

  /** Idempotent: registering again returns the existing record unchanged. */
  registerResource(input: RegisterInput): Promise<ResourcePermission> {
    return this.send({
      method: 'POST',
      path: '/permissions/register',
      body: { service_name: this.serviceName, visibility: 'workspace', ...input },
      headers: this.headers(),
      retryable: 'always',
    });
  }

  /** The resource and its shares (service key only). */
  getResourceAcl(resourceType: string, resourceId: string): Promise<ResourcePermission> {
    return this.send({ method: 'GET', path: this.#resourcePath(resourceType, resourceId), headers: this.headers(), retryable: 'always' });
  }

  /** As the user (the resource's owner or a workspace admin); sharing again updates the permission. */
  async share(token: string, resourceType: string, resourceId: string, share: ShareInput): Promise<void> {
    const { id } = await this.getResourceAcl(resourceType, resourceId);
    await this.send({ method: 'POST', path: `/permissions/${seg(id)}/share`, body: share, headers: this.headers(token), retryable: 'always' });
  }

  /** Removes a share (404 when there is none). */
  async unshare(resourceType: string, resourceId: string, grantee: { grantee_type: GranteeType; grantee_id: string }): Promise<void> {
    const { id } = await this.getResourceAcl(resourceType, resourceId);
    await this.send({ method: 'DELETE', path: `/permissions/${seg(id)}/share`, body: grantee, headers: this.headers(), retryable: 'unprocessed' });
  }

  async updateVisibility(resourceType: string, resourceId: string, visibility: Visibility): Promise<ResourcePermission> {
    const { id } = await this.getResourceAcl(resourceType, resourceId);
    return this.send({ method: 'PATCH', path: `/permissions/${seg(id)}/visibility`, body: { visibility }, headers: this.headers(), retryable: 'always' });
  }

  /** Removes the resource and its shares, e.g. when the service deletes it (404 when unknown). */
  async deregisterResource(resourceType: string, resourceId: string): Promise<void> {
    await this.send({ method: 'DELETE', path: this.#resourcePath(resourceType, resourceId), headers: this.headers(), retryable: 'unprocessed' });
  }

  #resourcePath(resourceType: string, resourceId: string): string {
    return `/permissions/resource/${seg(this.serviceName)}/${seg(resourceType)}/${seg(resourceId)}`;
  }
}
