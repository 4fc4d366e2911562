/**
 * The server SDK against the running system (every service and the gateway, started as `pnpm
 * start` does): a real service key from `pnpm sentinel service-apps create` and users signed in
 * through the dev provider.
 */
import { randomUUID } from 'node:crypto';
import { createClientApp, createServiceApp, devLogin, startSystem, type RunningSystem } from '@sentinel/testing';
import { createTokenVerifier, PermissionClient, RoleClient, SentinelError } from '../src';

const REDIRECT_URI = 'http://127.0.0.1:1/sdk-callback';

describe('SDK against the running gateway', () => {
  let system: RunningSystem;
  let serviceKey: string;
  let permissions: PermissionClient;
  let roles: RoleClient;
  let owner: { token: string; workspaceId: string; userId: string };
  let viewer: { token: string; userId: string };

  const api = async (path: string, token: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(new URL(path, system.gatewayUrl), {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>);
  };
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as SentinelError);

  beforeAll(async () => {
    // Rate limits off: this file makes many calls from one address within a minute.
    system = await startSystem({ RATE_LIMIT_RPM: '0', RATE_LIMIT_AUTH_RPM: '0' });
    await createClientApp(system, REDIRECT_URI);
    serviceKey = await createServiceApp(system, 'notes');
    const options = { baseUrl: system.gatewayUrl, serviceName: 'notes', serviceKey };
    permissions = new PermissionClient(options);
    roles = new RoleClient(options);

    const ownerLogin = await devLogin(system.gatewayUrl, { email: 'owner@example.com', name: 'Owner', redirectUri: REDIRECT_URI });
    const ownerMe = await api('/auth/me', ownerLogin.access_token);
    owner = { token: ownerLogin.access_token, workspaceId: ownerLogin.workspace_id, userId: ownerMe!.user_id as string };
    const workspace = await api(`/workspaces/${owner.workspaceId}`, owner.token);
    await api(`/workspaces/${owner.workspaceId}/members/invite`, owner.token, { method: 'POST', body: { email: 'viewer@example.com', role: 'viewer' } });
    const viewerLogin = await devLogin(system.gatewayUrl, {
      email: 'viewer@example.com',
      redirectUri: REDIRECT_URI,
      workspaceSlug: workspace!.slug as string,
    });
    viewer = { token: viewerLogin.access_token, userId: (await api('/auth/me', viewerLogin.access_token))!.user_id as string };
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  }, 30_000);

  const register = (visibility: 'private' | 'workspace' = 'private') =>
    permissions.registerResource({ resource_type: 'note', resource_id: randomUUID(), workspace_id: owner.workspaceId, owner_id: owner.userId, visibility });

  it('when a resource is registered twice, then the second call returns the same record; the ACL reads it back', async () => {
    const first = await register();
    const again = await permissions.registerResource({ resource_type: 'note', resource_id: first.resource_id, workspace_id: owner.workspaceId, owner_id: owner.userId, visibility: 'workspace' });
    expect(again).toEqual(first);
    expect(first).toMatchObject({ service_name: 'notes', resource_type: 'note', owner_id: owner.userId, visibility: 'private', shares: [] });
    await expect(permissions.getResourceAcl('note', first.resource_id)).resolves.toEqual(first);
  });

  it('when the owner shares, changes visibility and unshares, then checks follow each change', async () => {
    const note = await register();
    const can = (action: 'view' | 'edit') => permissions.can(viewer.token, 'note', note.resource_id, action);
    await expect(permissions.can(owner.token, 'note', note.resource_id, 'edit')).resolves.toBe(true);
    await expect(can('view')).resolves.toBe(false);

    await permissions.share(owner.token, 'note', note.resource_id, { grantee_type: 'user', grantee_id: viewer.userId, permission: 'view' });
    expect([await can('view'), await can('edit')]).toEqual([true, false]);
    const acl = await permissions.getResourceAcl('note', note.resource_id);
    expect(acl.shares).toEqual([expect.objectContaining({ grantee_type: 'user', grantee_id: viewer.userId, permission: 'view', granted_by: owner.userId })]);

    await permissions.unshare('note', note.resource_id, { grantee_type: 'user', grantee_id: viewer.userId });
    await expect(can('view')).resolves.toBe(false);
    await expect(permissions.updateVisibility('note', note.resource_id, 'workspace')).resolves.toMatchObject({ visibility: 'workspace' });
    await expect(can('view')).resolves.toBe(true);

    const results = await permissions.check(viewer.token, [
      { resource_type: 'note', resource_id: note.resource_id, action: 'view' },
      { resource_type: 'note', resource_id: note.resource_id, action: 'edit' },
    ]);
    expect(results).toEqual([
      { service_name: 'notes', resource_type: 'note', resource_id: note.resource_id, action: 'view', allowed: true },
      { service_name: 'notes', resource_type: 'note', resource_id: note.resource_id, action: 'edit', allowed: false },
    ]);
  });

  it('when the list of accessible ids spans several pages, then accessible follows the cursors to the end', async () => {
    const notes = await Promise.all([register('workspace'), register('workspace'), register('workspace')]);
    const all = await permissions.accessible(viewer.token, 'note', 'view', owner.workspaceId);
    const paged = await permissions.accessible(viewer.token, 'note', 'view', owner.workspaceId, { pageSize: 1 });
    expect(paged).toEqual(all);
    expect(paged.has_full_access).toBe(false);
    expect(paged.resource_ids).toEqual(expect.arrayContaining(notes.map((n) => n.resource_id)));
    await expect(permissions.accessible(owner.token, 'note', 'view', owner.workspaceId)).resolves.toEqual({ resource_ids: [], has_full_access: true });
  });

  it('when a resource is deregistered, then its ACL is gone (typed 404) and checks deny', async () => {
    const note = await register('workspace');
    await permissions.deregisterResource('note', note.resource_id);
    const err = await failure(permissions.getResourceAcl('note', note.resource_id));
    expect(err).toBeInstanceOf(SentinelError);
    expect(err?.status).toBe(404);
    await expect(permissions.can(owner.token, 'note', note.resource_id, 'view')).resolves.toBe(false);
  });

  it("when a service key acts on another service's resources, then 403; a bad key, 401", async () => {
    const wikiKey = await createServiceApp(system, 'wiki');
    const impostor = new PermissionClient({ baseUrl: system.gatewayUrl, serviceName: 'notes', serviceKey: wikiKey });
    const forbidden = await failure(impostor.can(owner.token, 'note', randomUUID(), 'view'));
    expect([forbidden?.status, forbidden?.detail]).toEqual([403, "Service key is not authorized for service 'notes'"]);

    const bad = new PermissionClient({ baseUrl: system.gatewayUrl, serviceName: 'notes', serviceKey: 'sk_not_a_real_key' });
    const unauthorized = await failure(bad.getResourceAcl('note', randomUUID()));
    expect([unauthorized?.status, unauthorized?.detail]).toEqual([401, 'Invalid or missing service API key']);
  });

  it("when a role grants a registered action, then checkAction and userActions report it for the role's members only", async () => {
    const [registered] = await roles.registerActions([{ action: 'notes:export', description: 'Export notes' }]);
    expect(registered).toMatchObject({ service_name: 'notes', action: 'notes:export', description: 'Export notes' });
    // Roles are managed through the admin API; the test seeds one directly.
    const [role] = await system.sql<{ id: string }>(
      "INSERT INTO roles (id, workspace_id, name) VALUES (gen_random_uuid(), $1, 'exporters') RETURNING id",
      [owner.workspaceId],
    );
    await system.sql('INSERT INTO role_actions (id, role_id, service_action_id) VALUES (gen_random_uuid(), $1, $2)', [role!.id, registered!.id]);
    await system.sql('INSERT INTO user_roles (id, user_id, role_id) VALUES (gen_random_uuid(), $1, $2)', [viewer.userId, role!.id]);

    await expect(roles.checkAction(viewer.token, 'notes:export', owner.workspaceId)).resolves.toBe(true);
    await expect(roles.userActions(viewer.token, owner.workspaceId)).resolves.toEqual(['notes:export']);
    await expect(roles.checkAction(owner.token, 'notes:export', owner.workspaceId)).resolves.toBe(false);
  });

  it('when a user logs out, then their token still verifies offline but not with the denylist check', async () => {
    const session = await devLogin(system.gatewayUrl, { email: 'leaver@example.com', redirectUri: REDIRECT_URI });
    const offline = createTokenVerifier({ baseUrl: system.gatewayUrl });
    const online = createTokenVerifier({ baseUrl: system.gatewayUrl, checkRevocation: true, serviceKey });
    await expect(online.verifyAccessToken(session.access_token)).resolves.toMatchObject({ email: 'leaver@example.com', workspace_role: 'owner' });

    await api('/auth/logout', session.access_token, { method: 'POST' });
    await expect(offline.verifyAccessToken(session.access_token)).resolves.toMatchObject({ email: 'leaver@example.com' });
    const revoked = await failure(online.verifyAccessToken(session.access_token));
    expect([revoked?.status, revoked?.detail]).toEqual([401, 'Token has been revoked']);
  });
});
