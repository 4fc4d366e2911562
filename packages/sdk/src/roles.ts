import { ServiceClient } from './client';
import type { ServiceAction } from './types';

/** Custom RBAC actions through the gateway (`/roles/*`), as one service (`serviceName`). */
export class RoleClient extends ServiceClient {
  /** An upsert (typically at start-up): a given description replaces the stored one. */
  registerActions(actions: Array<{ action: string; description?: string | null }>): Promise<ServiceAction[]> {
    return this.send({
      method: 'POST',
      path: '/roles/actions/register',
      body: { service_name: this.serviceName, actions },
      headers: this.headers(),
      retryable: 'always',
    });
  }

  /** Whether one of the user's roles in `workspaceId` grants `action`. */
  async checkAction(token: string, action: string, workspaceId: string): Promise<boolean> {
    const { allowed } = await this.send<{ allowed: boolean; roles: string[] }>({
      method: 'POST',
      path: '/roles/check-action',
      body: { service_name: this.serviceName, action, workspace_id: workspaceId },
      headers: this.headers(token),
      retryable: 'always',
    });
    return allowed;
  }

  /** The actions of this service the user's roles grant in `workspaceId`. */
  async userActions(token: string, workspaceId: string): Promise<string[]> {
    const query = new URLSearchParams({ workspace_id: workspaceId, service_name: this.serviceName });
    const { actions } = await this.send<{ actions: string[] }>({
      method: 'GET',
      path: `/roles/user-actions?${query.toString()}`,
      headers: this.headers(token),
      retryable: 'always',
    });
    return actions;
  }
}
