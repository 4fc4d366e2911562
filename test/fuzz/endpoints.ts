/**
 * Every real endpoint behind the gateway's route table (services/gateway/src/routes.ts), with a
 * request that is valid on the fuzz suite's fixtures: the suite mutates one part of it per case.
 * `{name}` in a path, query value or body string is a fixture value (fixtures.ts, `Values`).
 * `fresh` lists fixtures made anew for each case, for endpoints that consume or destroy what they
 * act on. To cover a new route: add a line here (the coverage test fails until you do).
 */
import type { Tier } from '@sentinel/gateway/routes';
import type { FreshKind } from './fixtures';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type Body =
  | { json: Json }
  /** application/x-www-form-urlencoded (the dev provider's form). */
  | { form: Record<string, string> }
  /** multipart/form-data with one CSV file `email,name,workspace_slug,role` and these rows. */
  | { csv: string[][] };

export interface Endpoint {
  method: Method;
  path: string;
  tier: Tier;
  query?: Record<string, string>;
  body?: Body;
  fresh?: FreshKind[];
}

const e = (method: Method, path: string, tier: Tier, more: Omit<Endpoint, 'method' | 'path' | 'tier'> = {}): Endpoint => ({
  method,
  path,
  tier,
  ...more,
});

const page = { page: '1', page_size: '20' };
const text = { name: 'Fuzz name', description: 'A description' };

export const ENDPOINTS: readonly Endpoint[] = [
  // token-service
  e('GET', '/.well-known/jwks.json', 'public'),
  e('GET', '/.well-known/openid-configuration', 'public'),
  e('POST', '/auth/refresh', 'public', { body: { json: { refresh_token: '{refreshToken}' } }, fresh: ['token'] }),
  e('POST', '/auth/revoke', 'public', { body: { json: { token: '{refreshToken}', token_type_hint: 'refresh_token' } }, fresh: ['token'] }),
  e('POST', '/auth/logout', 'user', { fresh: ['token'] }),
  e('GET', '/auth/me', 'user'),
  e('POST', '/auth/switch-workspace', 'user', { body: { json: { workspace_id: '{workspace}' } } }),
  e('POST', '/auth/introspect', 'service', { body: { json: { token: '{accessToken}', token_type_hint: 'access_token' } } }),
  e('GET', '/admin/service-apps', 'admin'),
  e('POST', '/admin/service-apps', 'admin', { body: { json: { name: 'Fuzz app', service_name: '{newSvc}' } } }),
  e('GET', '/admin/service-apps/{serviceApp}', 'admin'),
  e('PATCH', '/admin/service-apps/{serviceApp}', 'admin', { body: { json: { name: 'Victim app', is_active: true } } }),
  e('POST', '/admin/service-apps/{serviceApp}/rotate-key', 'admin', { body: { json: { overlap_seconds: 60 } } }),
  e('DELETE', '/admin/service-apps/{serviceApp}', 'admin', { fresh: ['serviceApp'] }),

  // auth-service
  e('GET', '/auth/providers', 'public'),
  e('GET', '/auth/login/{provider}', 'public', {
    query: { redirect_uri: '{redirectUri}', code_challenge: '{challenge}', code_challenge_method: 'S256' },
  }),
  e('GET', '/auth/callback/{provider}', 'public', { query: { state: '{state}' } }),
  e('POST', '/auth/callback/{provider}', 'public', {
    body: { form: { state: '{state}', email: '{newEmail}', name: 'Fuzz Person' } },
    fresh: ['loginState'],
  }),
  e('GET', '/auth/workspaces', 'public', { query: { code: '{code}' } }),
  e('POST', '/auth/token', 'public', {
    body: { json: { code: '{code}', workspace_id: '{workspace}', code_verifier: '{verifier}' } },
    fresh: ['code'],
  }),
  e('GET', '/auth/admin/login/{provider}', 'public'),
  e('GET', '/auth/admin/callback/{provider}', 'public', { query: { state: '{state}' } }),
  e('POST', '/auth/admin/callback/{provider}', 'public', {
    body: { form: { state: '{state}', email: '{adminEmail}', name: 'Fuzz Admin' } },
    fresh: ['adminLoginState'],
  }),
  e('GET', '/auth/admin/me', 'admin'),
  e('POST', '/auth/admin/logout', 'admin', { fresh: ['adminCookie'] }),
  e('GET', '/admin/client-apps', 'admin'),
  e('POST', '/admin/client-apps', 'admin', { body: { json: { name: 'Fuzz client', redirect_uris: ['https://fuzz.example.com/cb'] } } }),
  e('GET', '/admin/client-apps/{clientApp}', 'admin'),
  e('PATCH', '/admin/client-apps/{clientApp}', 'admin', {
    body: { json: { name: 'Victim client', redirect_uris: ['https://victim.example.com/cb'], is_active: true, revoke_sessions: false } },
  }),
  e('DELETE', '/admin/client-apps/{clientApp}', 'admin', { fresh: ['clientApp'] }),

  // permission-service
  e('POST', '/permissions/register', 'service', {
    body: {
      json: {
        service_name: '{svc}',
        resource_type: '{type}',
        resource_id: '{newId}',
        workspace_id: '{workspace}',
        owner_id: '{user}',
        visibility: 'private',
      },
    },
  }),
  e('POST', '/permissions/check', 'dual', {
    body: { json: { checks: [{ service_name: '{svc}', resource_type: '{type}', resource_id: '{rid}', action: 'view' }] } },
  }),
  e('POST', '/permissions/accessible', 'dual', {
    body: { json: { service_name: '{svc}', resource_type: '{type}', action: 'edit', workspace_id: '{workspace}', limit: 10 } },
  }),
  e('POST', '/permissions/{resource}/share', 'dual', {
    body: { json: { grantee_type: 'user', grantee_id: '{member}', permission: 'edit' } },
  }),
  e('DELETE', '/permissions/{resource}/share', 'service', {
    body: { json: { grantee_type: 'user', grantee_id: '{member}' } },
    fresh: ['resource'],
  }),
  e('PATCH', '/permissions/{resource}/visibility', 'service', { body: { json: { visibility: 'workspace' } } }),
  e('GET', '/permissions/resource/{svc}/{type}/{rid}', 'service'),
  e('GET', '/permissions/resource/{svc}/{type}/{rid}/enriched', 'service'),
  e('DELETE', '/permissions/resource/{svc}/{type}/{rid}', 'service', { fresh: ['resource'] }),
  e('POST', '/roles/actions/register', 'service', {
    body: { json: { service_name: '{svc}', actions: [{ action: 'doc.fuzz', description: 'Fuzzed action' }] } },
  }),
  e('POST', '/roles/check-action', 'dual', { body: { json: { service_name: '{svc}', action: '{actionName}', workspace_id: '{workspace}' } } }),
  e('GET', '/roles/user-actions', 'dual', { query: { workspace_id: '{workspace}', service_name: '{svc}' } }),
  e('GET', '/admin/permissions', 'admin', {
    query: { ...page, workspace_id: '{workspace}', service_name: '{svc}', resource_id: '{rid}', owner: 'fuzz', sort_by: 'shares', sort_order: 'asc' },
  }),
  e('GET', '/admin/permissions/{resource}', 'admin'),
  e('PATCH', '/admin/permissions/{resource}/visibility', 'admin', { body: { json: { visibility: 'private' } } }),
  e('POST', '/admin/permissions/{resource}/share', 'admin', {
    body: { json: { grantee_type: 'group', grantee_id: '{group}', permission: 'view' } },
  }),
  e('DELETE', '/admin/permissions/{resource}/share', 'admin', {
    query: { grantee_type: 'user', grantee_id: '{member}' },
    fresh: ['resource'],
  }),
  e('GET', '/admin/service-actions', 'admin', { query: { service_name: '{svc}' } }),
  e('DELETE', '/admin/service-actions/{action}', 'admin', { fresh: ['serviceAction'] }),
  e('GET', '/admin/workspaces/{workspace}/roles', 'admin'),
  e('POST', '/admin/workspaces/{workspace}/roles', 'admin', { body: { json: { name: '{newName}', description: 'A role' } } }),
  e('GET', '/admin/roles/{role}', 'admin'),
  e('PATCH', '/admin/roles/{role}', 'admin', { body: { json: { name: 'Fuzz role', description: 'A role' } } }),
  e('DELETE', '/admin/roles/{role}', 'admin', { fresh: ['role'] }),
  e('GET', '/admin/roles/{role}/actions', 'admin'),
  e('POST', '/admin/roles/{role}/actions', 'admin', { body: { json: { service_action_ids: ['{action}'] } }, fresh: ['emptyRole'] }),
  e('DELETE', '/admin/roles/{role}/actions/{action}', 'admin', { fresh: ['role'] }),
  e('GET', '/admin/roles/{role}/members', 'admin'),
  e('POST', '/admin/roles/{role}/members/{member}', 'admin', { fresh: ['emptyRole'] }),
  e('DELETE', '/admin/roles/{role}/members/{member}', 'admin', { fresh: ['role'] }),

  // workspace-service
  e('GET', '/users/me', 'user'),
  e('PATCH', '/users/me', 'user', { body: { json: { name: 'Fuzz Owner', avatar_url: 'https://example.com/a.png' } } }),
  e('POST', '/workspaces', 'user', { body: { json: { name: 'Fuzz workspace', slug: '{newSlug}', description: 'A workspace' } } }),
  e('GET', '/workspaces', 'user'),
  e('GET', '/workspaces/{workspace}', 'user'),
  e('PATCH', '/workspaces/{workspace}', 'user', { body: { json: text } }),
  e('DELETE', '/workspaces/{workspace}', 'user', { fresh: ['ownWorkspace'] }),
  e('GET', '/workspaces/{workspace}/members', 'user', { query: { q: 'fuzz', limit: '10' } }),
  e('POST', '/workspaces/{workspace}/members/invite', 'user', { body: { json: { email: '{newEmail}', role: 'viewer' } } }),
  e('PATCH', '/workspaces/{workspace}/members/{member}', 'user', { body: { json: { role: 'editor' } } }),
  e('DELETE', '/workspaces/{workspace}/members/{member}', 'user', { fresh: ['member'] }),
  e('GET', '/workspaces/{workspace}/invitations', 'user'),
  e('DELETE', '/workspaces/{workspace}/invitations/{invitation}', 'user', { fresh: ['invitation'] }),
  e('POST', '/workspaces/{workspace}/groups', 'user', { body: { json: { name: '{newName}', description: 'A group' } } }),
  e('GET', '/workspaces/{workspace}/groups', 'user'),
  e('PATCH', '/workspaces/{workspace}/groups/{group}', 'user', { body: { json: text } }),
  e('DELETE', '/workspaces/{workspace}/groups/{group}', 'user', { fresh: ['group'] }),
  e('GET', '/workspaces/{workspace}/groups/{group}/members', 'user'),
  e('POST', '/workspaces/{workspace}/groups/{group}/members/{member}', 'user', { fresh: ['group'] }),
  e('DELETE', '/workspaces/{workspace}/groups/{group}/members/{member}', 'user', { fresh: ['groupWithMember'] }),
  e('GET', '/admin/activity/verify', 'admin'),
  e('GET', '/admin/users', 'admin', { query: { ...page, search: 'fuzz' } }),
  e('POST', '/admin/users/bulk-status', 'admin', { body: { json: { user_ids: ['{victim}'], is_active: true } } }),
  e('GET', '/admin/users/{victim}', 'admin'),
  e('PATCH', '/admin/users/{victim}', 'admin', { body: { json: { name: 'Fuzz Victim', is_active: true, is_admin: false } } }),
  e('POST', '/admin/users/{victim}/workspaces', 'admin', { body: { json: { workspace_id: '{newWorkspace}', role: 'viewer' } }, fresh: ['adminWorkspace'] }),
  e('POST', '/admin/users/{victim}/revoke-tokens', 'admin'),
  e('GET', '/admin/workspaces', 'admin', { query: { ...page, search: 'fuzz' } }),
  e('GET', '/admin/workspaces/all', 'admin'),
  e('POST', '/admin/workspaces', 'admin', { body: { json: { name: 'Fuzz workspace', slug: '{newSlug}', description: 'A workspace' } } }),
  e('GET', '/admin/workspaces/{workspace}', 'admin'),
  e('PATCH', '/admin/workspaces/{workspace}', 'admin', { body: { json: text } }),
  e('DELETE', '/admin/workspaces/{newWorkspace}', 'admin', { fresh: ['adminWorkspace'] }),
  e('GET', '/admin/workspaces/{workspace}/members', 'admin', { query: { q: 'fuzz', limit: '10' } }),
  e('POST', '/admin/workspaces/{workspace}/members/invite', 'admin', { body: { json: { email: '{newEmail}', role: 'editor' } } }),
  e('PATCH', '/admin/workspaces/{workspace}/members/{member}', 'admin', { body: { json: { role: 'viewer' } } }),
  e('DELETE', '/admin/workspaces/{workspace}/members/{member}', 'admin', { fresh: ['member'] }),
  e('GET', '/admin/workspaces/{workspace}/groups', 'admin'),
  e('POST', '/admin/workspaces/{workspace}/groups', 'admin', { body: { json: { name: '{newName}', description: 'A group' } } }),
  e('PATCH', '/admin/groups/{group}', 'admin', { body: { json: text } }),
  e('DELETE', '/admin/groups/{group}', 'admin', { fresh: ['group'] }),
  e('GET', '/admin/groups/{group}/members', 'admin'),
  e('POST', '/admin/groups/{group}/members/{member}', 'admin', { fresh: ['group'] }),
  e('DELETE', '/admin/groups/{group}/members/{member}', 'admin', { fresh: ['groupWithMember'] }),
  e('GET', '/admin/stats', 'admin'),
  e('GET', '/admin/activity', 'admin', {
    query: { ...page, action: 'user_login', target_type: 'user', workspace_id: '{workspace}', actor_id: '{user}', from_date: '2020-01-01', to_date: '2100-01-01' },
  }),
  e('GET', '/admin/activity/export', 'admin', { query: { format: 'json', action: 'user_login', from_date: '2020-01-01T00:00:00Z' } }),
  e('GET', '/admin/system/health', 'admin'),
  e('GET', '/admin/system/settings', 'admin'),
  e('POST', '/admin/import/csv/preview', 'admin', { body: { csv: [['{newEmail}', 'Imported Person', '{slug}', 'viewer']] } }),
  e('POST', '/admin/import/csv/execute', 'admin', { body: { csv: [['{newEmail}', 'Imported Person', '{slug}', 'editor']] } }),
  e('GET', '/admin/export/users', 'admin'),
  e('GET', '/admin/export/workspaces', 'admin'),

  // Last: every success adds a signing key, and tokens signed with it are unknown to the gateway for a moment.
  e('POST', '/admin/keys/rotate', 'admin'),
];

export const endpointName = (ep: Endpoint): string => `${ep.method} ${ep.path}`;
