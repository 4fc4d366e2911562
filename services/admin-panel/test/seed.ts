/**
 * Seeds a running system through its real API, the way operators and services would: an admin
 * session from the dev form, users who signed in, a workspace with members, a group, a custom
 * role with a registered service action, a client app, a resource shared with a user. The
 * activity log fills itself along the way.
 */
import { randomUUID } from 'node:crypto';
import { devLogin, type RunningSystem } from '@sentinel/testing';

export const ADMIN_EMAIL = 'admin@example.com';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface Seeded {
  adminCookie: string;
  users: Record<'ada' | 'bob' | 'carol', string>;
  workspaceId: string;
  groupId: string;
  roleId: string;
  resourceId: string;
  permissionId: string;
  serviceAppId: string;
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/** The admin_token cookie, through /auth/admin/login/dev and its form (what the browser does). */
export async function adminSession(gatewayUrl: string, email: string): Promise<string> {
  const started = await fetch(`${gatewayUrl}/auth/admin/login/dev`, { redirect: 'manual' });
  const form = new URL(started.headers.get('location') ?? '', gatewayUrl);
  const done = await fetch(new URL(form.pathname, gatewayUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(started) },
    body: new URLSearchParams({ state: form.searchParams.get('state') ?? '', email, name: 'Admin' }).toString(),
  });
  const cookie = cookiesOf(done);
  if (done.status !== 302 || !cookie.includes('admin_token=')) throw new Error(`admin login answered ${done.status}: ${await done.text()}`);
  return cookie;
}

export function adminApi(gatewayUrl: string, cookie: string) {
  return async <T = Record<string, string>>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { cookie, 'x-requested-with': 'test', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
}

export async function seed(system: RunningSystem): Promise<Seeded> {
  const gw = system.gatewayUrl;
  const adminCookie = await adminSession(gw, ADMIN_EMAIL);
  const admin = adminApi(gw, adminCookie);

  await admin('POST', '/admin/client-apps', { name: 'Docs frontend', redirect_uris: [REDIRECT_URI] });
  const users = {} as Seeded['users'];
  for (const [key, name] of [['ada', 'Ada Lovelace'], ['bob', 'Bob Builder'], ['carol', 'Carol Danvers']] as const) {
    await devLogin(gw, { email: `${key}@example.com`, name, redirectUri: REDIRECT_URI });
    const [row] = await system.sql<{ id: string }>('SELECT id FROM users WHERE email = $1', [`${key}@example.com`]);
    users[key] = row!.id;
  }

  const workspace = await admin('POST', '/admin/workspaces', { name: 'Acme Corp', slug: 'acme', description: 'The seeded workspace' });
  const ws = `/admin/workspaces/${workspace.id}`;
  await admin('POST', `${ws}/members/invite`, { email: 'ada@example.com', role: 'admin' });
  await admin('POST', `${ws}/members/invite`, { email: 'bob@example.com', role: 'editor' });
  await admin('POST', `${ws}/members/invite`, { email: 'carol@example.com', role: 'viewer' });
  const group = await admin('POST', `${ws}/groups`, { name: 'Engineering', description: 'Builders' });
  await admin('POST', `/admin/groups/${group.id}/members/${users.bob}`);

  const app = await admin('POST', '/admin/service-apps', { name: 'Docs API', service_name: 'docs' });
  const service = { 'x-service-key': app.api_key!, 'content-type': 'application/json' };
  const registered = await fetch(`${gw}/roles/actions/register`, {
    method: 'POST',
    headers: service,
    body: JSON.stringify({ service_name: 'docs', actions: [{ action: 'docs:export', description: 'Export documents' }] }),
  });
  const [action] = (await registered.json()) as Array<{ id: string }>;
  const role = await admin('POST', `${ws}/roles`, { name: 'Auditor', description: 'Reads and exports' });
  await admin('POST', `/admin/roles/${role.id}/actions`, { service_action_ids: [action!.id] });
  await admin('POST', `/admin/roles/${role.id}/members/${users.ada}`);

  const resourceId = randomUUID();
  const resource = await fetch(`${gw}/permissions/register`, {
    method: 'POST',
    headers: service,
    body: JSON.stringify({ service_name: 'docs', resource_type: 'document', resource_id: resourceId, workspace_id: workspace.id, owner_id: users.ada, visibility: 'private' }),
  });
  const permission = (await resource.json()) as { id: string };
  await admin('POST', `/admin/permissions/${permission.id}/share`, { grantee_type: 'user', grantee_id: users.bob, permission: 'edit' });

  return {
    adminCookie,
    users,
    workspaceId: workspace.id!,
    groupId: group.id!,
    roleId: role.id!,
    resourceId,
    permissionId: permission.id,
    serviceAppId: app.id!,
  };
}
