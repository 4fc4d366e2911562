/**
 * The world the fuzz suite runs in: a workspace with an owner, a member, a group, an invitation,
 * a registered resource with a share, a service action and a custom role, a victim user, service
 * app and client app for the admin routes to act on, and credentials of every tier. Made through
 * the API where one exists (so the rows are what the services would write), with SQL for users
 * (only a login creates them).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createClientApp, devLogin, followDevForm, identityHeader, pkcePair, type RunningSystem } from '@sentinel/testing';
import type { Tier } from '@sentinel/gateway/routes';

/** What `{name}` placeholders resolve to, credentials included. */
export type Values = Record<string, string>;

export type FreshKind =
  | 'token'
  | 'adminCookie'
  | 'ownWorkspace'
  | 'member'
  | 'invitation'
  | 'group'
  | 'groupWithMember'
  | 'resource'
  | 'serviceApp'
  | 'clientApp'
  | 'adminWorkspace'
  | 'role'
  | 'emptyRole'
  | 'serviceAction'
  | 'code'
  | 'loginState'
  | 'adminLoginState';

export interface World {
  values: Values;
  /** Per-case values: the shared ones, fresh ids for creations, and the `fresh` fixtures. */
  caseValues(fresh: readonly FreshKind[]): Promise<Values>;
}

const REDIRECT_URI = 'http://127.0.0.1:1/fuzz/callback';
const suffix = () => randomBytes(4).toString('hex');

/** The credential headers of a tier, from the case's values. */
export function credentials(tier: Tier, v: Values): Record<string, string> {
  const cookie = [v.cookie, tier === 'admin' ? `admin_token=${v.adminCookie}` : undefined].filter(Boolean).join('; ');
  return {
    ...(tier === 'user' || tier === 'dual' ? { authorization: `Bearer ${v.userToken}` } : {}),
    ...(tier === 'service' || tier === 'dual' ? { 'x-service-key': v.serviceKey! } : {}),
    ...(tier === 'admin' ? { 'x-requested-with': 'XMLHttpRequest' } : {}),
    ...(cookie ? { cookie } : {}),
  };
}

export async function buildWorld(system: RunningSystem): Promise<World> {
  const gateway = system.gatewayUrl;
  const v: Values = { provider: 'dev', redirectUri: REDIRECT_URI, svc: 'fuzz', type: 'doc', adminEmail: 'admin@fuzz.test' };

  const api = async (method: string, path: string, tier: Tier, body?: unknown, values: Values = v): Promise<unknown> => {
    const res = await fetch(`${gateway}${path}`, {
      method,
      headers: { ...credentials(tier, values), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`fixture ${method} ${path} answered ${res.status}: ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  const internal = async (path: string, body: object): Promise<Record<string, string>> => {
    const res = await fetch(`${system.urls['token-service']}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...identityHeader({ caller: 'auth-service' }, system.env.INTERNAL_SECRET) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  const newUser = async (email: string, name: string, isAdmin = false): Promise<string> => {
    const [row] = await system.sql<{ id: string }>(
      'INSERT INTO users (id, email, name, is_admin, updated_at) VALUES (gen_random_uuid(), $1, $2, $3, now()) RETURNING id',
      [email, name, isAdmin],
    );
    return row!.id;
  };
  const addMember = (workspaceId: string, userId: string, role: string) =>
    system.sql('INSERT INTO workspace_memberships (id, workspace_id, user_id, role) VALUES (gen_random_uuid(), $1, $2, $3)', [
      workspaceId,
      userId,
      role,
    ]);
  // Fresh tokens are the leaver's: a logout or a workspace deletion revokes every session of its user.
  const issue = async (workspaceId: string) => internal('/internal/tokens/issue', { user_id: v.leaver, workspace_id: workspaceId });
  const adminCookie = async () => (await internal('/internal/tokens/admin', { user_id: v.admin })).token!;
  const loginState = async (path: string, query: Record<string, string> = {}): Promise<Values> => {
    const res = await fetch(`${gateway}${path}?${new URLSearchParams(query).toString()}`, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return { state: new URL(location, gateway).searchParams.get('state') ?? '', cookie };
  };
  const newCode = async (): Promise<Values> => {
    const { verifier, challenge } = pkcePair();
    const start = new URL('/auth/login/dev', gateway);
    start.search = new URLSearchParams({ redirect_uri: REDIRECT_URI, code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    const back = await followDevForm(start.toString(), { email: 'owner@fuzz.test', name: 'Fuzz Owner' });
    return { code: new URL(back).searchParams.get('code') ?? '', verifier };
  };
  const newGroup = async (withMember: boolean): Promise<Values> => {
    const group = (await api('POST', `/workspaces/${v.workspace}/groups`, 'user', { name: `Group ${suffix()}` })) as { id: string };
    if (withMember) await api('POST', `/workspaces/${v.workspace}/groups/${group.id}/members/${v.member}`, 'user');
    return { group: group.id };
  };
  const newResource = async (): Promise<Values> => {
    const rid = randomUUID();
    const resource = (await api('POST', '/permissions/register', 'service', {
      service_name: v.svc,
      resource_type: v.type,
      resource_id: rid,
      workspace_id: v.workspace,
      owner_id: v.user,
      visibility: 'private',
    })) as { id: string };
    await api('POST', `/permissions/${resource.id}/share`, 'dual', { grantee_type: 'user', grantee_id: v.member, permission: 'view' });
    return { resource: resource.id, rid };
  };
  const newServiceAction = async (): Promise<Values> => {
    const actionName = `doc.${suffix()}`;
    const [action] = (await api('POST', '/roles/actions/register', 'service', { service_name: v.svc, actions: [{ action: actionName }] })) as [
      { id: string },
    ];
    return { action: action.id, actionName };
  };
  const newRole = async (): Promise<Values> => {
    const role = (await api('POST', `/admin/workspaces/${v.workspace}/roles`, 'admin', { name: `Role ${suffix()}` })) as { id: string };
    await api('POST', `/admin/roles/${role.id}/actions`, 'admin', { service_action_ids: [v.action] });
    await api('POST', `/admin/roles/${role.id}/members/${v.member}`, 'admin');
    return { role: role.id };
  };

  // The owner signs in through the dev form (a personal workspace is made for them); the admin is flagged in SQL.
  await createClientApp(system, REDIRECT_URI, 'Fuzz login app');
  const owner = await devLogin(gateway, { email: 'owner@fuzz.test', name: 'Fuzz Owner', redirectUri: REDIRECT_URI });
  v.userToken = owner.access_token;
  v.accessToken = owner.access_token;
  v.workspace = owner.workspace_id;
  const [ws] = await system.sql<{ slug: string }>('SELECT slug FROM workspaces WHERE id = $1', [v.workspace]);
  v.slug = ws!.slug;
  const [me] = await system.sql<{ id: string }>("SELECT id FROM users WHERE email = 'owner@fuzz.test'");
  v.user = me!.id;
  v.admin = await newUser(v.adminEmail!, 'Fuzz Admin', true);
  v.adminCookie = await adminCookie();
  v.serviceKey = ((await api('POST', '/admin/service-apps', 'admin', { name: 'Fuzz service', service_name: v.svc })) as { api_key: string }).api_key;

  v.member = await newUser('member@fuzz.test', 'Fuzz Member');
  v.victim = await newUser('victim@fuzz.test', 'Fuzz Victim');
  await addMember(v.workspace, v.member, 'editor');
  await addMember(v.workspace, v.victim, 'viewer');
  v.leaver = await newUser('leaver@fuzz.test', 'Fuzz Leaver');
  await addMember(v.workspace, v.leaver, 'owner');
  v.invitation = ((await api('POST', `/workspaces/${v.workspace}/members/invite`, 'user', { email: 'invited@fuzz.test' })) as {
    invitation_id: string;
  }).invitation_id;
  Object.assign(v, await newGroup(true), await newResource(), await newServiceAction());
  Object.assign(v, await newRole());
  v.serviceApp = ((await api('POST', '/admin/service-apps', 'admin', { name: 'Victim service', service_name: 'victim' })) as { id: string }).id;
  v.clientApp = await createClientApp(system, 'https://victim.example.com/cb', 'Victim client');
  Object.assign(v, await newCode(), { challenge: pkcePair().challenge, state: 'fuzz-state' });

  // Made in SQL, one statement each: they run before every case of their endpoints.
  const one = async (text: string, values: unknown[]): Promise<string> => (await system.sql<{ id: string }>(text, values))[0]!.id;
  const makers: Record<FreshKind, () => Promise<Values>> = {
    token: async () => {
      const pair = await issue(v.workspace!);
      return { userToken: pair.access_token!, refreshToken: pair.refresh_token! };
    },
    adminCookie: async () => ({ adminCookie: await adminCookie() }),
    ownWorkspace: async () => {
      const workspace = await one(
        `WITH w AS (INSERT INTO workspaces (id, slug, name, created_by, updated_at) VALUES (gen_random_uuid(), $1, 'Doomed', $2, now()) RETURNING id),
              m AS (INSERT INTO workspace_memberships (id, workspace_id, user_id, role) SELECT gen_random_uuid(), id, $2, 'owner' FROM w)
         SELECT id FROM w`,
        [`doomed-${suffix()}`, v.leaver],
      );
      return { workspace, userToken: (await issue(workspace)).access_token! };
    },
    member: async () => {
      const member = await one(
        `WITH u AS (INSERT INTO users (id, email, name, updated_at) VALUES (gen_random_uuid(), $1, 'Doomed Member', now()) RETURNING id),
              m AS (INSERT INTO workspace_memberships (id, workspace_id, user_id, role) SELECT gen_random_uuid(), $2, id, 'viewer' FROM u)
         SELECT id FROM u`,
        [`member-${suffix()}@fuzz.test`, v.workspace],
      );
      return { member };
    },
    invitation: async () => ({
      invitation: await one(
        `INSERT INTO invitations (id, workspace_id, email, role, invited_by, expires_at)
         VALUES (gen_random_uuid(), $1, $2, 'viewer', $3, now() + interval '1 day') RETURNING id`,
        [v.workspace, `inv-${suffix()}@fuzz.test`, v.user],
      ),
    }),
    group: async () => ({ group: await sqlGroup([]) }),
    groupWithMember: async () => ({ group: await sqlGroup([v.member!]) }),
    resource: async () => {
      const [row] = await system.sql<{ id: string; resource_id: string }>(
        `WITH r AS (INSERT INTO resource_permissions (id, service_name, resource_type, resource_id, workspace_id, owner_id, visibility, updated_at)
                    VALUES (gen_random_uuid(), $1, $2, gen_random_uuid(), $3, $4, 'private', now()) RETURNING id, resource_id),
              s AS (INSERT INTO resource_shares (id, resource_permission_id, grantee_type, grantee_id, permission, granted_by)
                    SELECT gen_random_uuid(), id, 'user', $5, 'view', $4 FROM r)
         SELECT id, resource_id FROM r`,
        [v.svc, v.type, v.workspace, v.user, v.member],
      );
      return { resource: row!.id, rid: row!.resource_id };
    },
    serviceApp: async () => ({
      serviceApp: await one(
        `INSERT INTO service_apps (id, name, service_name, key_prefix, key_hash, updated_at)
         VALUES (gen_random_uuid(), 'Doomed service', $1, $2, $3, now()) RETURNING id`,
        [`doomed-${suffix()}`, `doomed${suffix()}`, randomBytes(32).toString('hex')],
      ),
    }),
    clientApp: async () => ({ clientApp: await createClientApp(system, `https://doomed-${suffix()}.example.com/cb`, 'Doomed client') }),
    adminWorkspace: async () => ({
      newWorkspace: await one(`INSERT INTO workspaces (id, slug, name, updated_at) VALUES (gen_random_uuid(), $1, 'Doomed', now()) RETURNING id`, [
        `doomed-${suffix()}`,
      ]),
    }),
    role: async () => ({ role: await sqlRole(true) }),
    emptyRole: async () => ({ role: await sqlRole(false) }),
    serviceAction: async () => {
      const actionName = `doc.${suffix()}`;
      return { action: await one('INSERT INTO service_actions (id, service_name, action) VALUES (gen_random_uuid(), $1, $2) RETURNING id', [v.svc, actionName]), actionName };
    },
    code: newCode,
    loginState: () => loginState('/auth/login/dev', { redirect_uri: REDIRECT_URI, code_challenge: pkcePair().challenge }),
    adminLoginState: () => loginState('/auth/admin/login/dev'),
  };
  const sqlGroup = (members: string[]) =>
    one(
      `WITH g AS (INSERT INTO groups (id, workspace_id, name, created_by, updated_at) VALUES (gen_random_uuid(), $1, $2, $3, now()) RETURNING id),
            m AS (INSERT INTO group_memberships (id, group_id, user_id) SELECT gen_random_uuid(), g.id, u FROM g, unnest($4::uuid[]) AS u)
       SELECT id FROM g`,
      [v.workspace, `Doomed ${suffix()}`, v.user, members],
    );
  const sqlRole = (withGrants: boolean) =>
    one(
      `WITH r AS (INSERT INTO roles (id, workspace_id, name, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id),
            a AS (INSERT INTO role_actions (id, role_id, service_action_id) SELECT gen_random_uuid(), r.id, $3 FROM r WHERE $5),
            m AS (INSERT INTO user_roles (id, user_id, role_id) SELECT gen_random_uuid(), $4, r.id FROM r WHERE $5)
       SELECT id FROM r`,
      [v.workspace, `Doomed ${suffix()}`, v.action, v.member, withGrants],
    );

  return {
    values: v,
    caseValues: async (fresh) => {
      const s = suffix();
      const values: Values = { ...v, newId: randomUUID(), newEmail: `new-${s}@fuzz.test`, newSlug: `fuzz-${s}`, newName: `Fuzz ${s}`, newSvc: `svc-${s}` };
      for (const kind of fresh) Object.assign(values, await makers[kind]());
      return values;
    },
  };
}
