import { identityHeader, testAdmin } from '@sentinel/testing';
import { pkcePair } from './support/browser';
import { APP_REDIRECT, browserLogin, exchange, startSystem, workspaces, type System } from './support/system';

const ADMIN_URL = 'http://admin.example.test';

describe('admin login and client apps', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem({ google: 'google' }, { DEV_LOGIN: 'true', ADMIN_EMAILS: 'Boss@Example.com', ADMIN_URL });
  }, 60_000);
  afterAll(async () => {
    await system.close();
  });

  /** The admin login through the dev form; returns the last answer. */
  async function devAdminLogin(email: string) {
    const browser = system.browser();
    const hops = await browser.follow(`${system.auth.url}/auth/admin/login/dev`, () => false);
    const form = hops.at(-1)?.body ?? '';
    const state = /name="state" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
    const answer = await browser.request(new URL(action, system.auth.url).href, { form: { state, email, name: 'Some One' } });
    return { browser, answer };
  }

  async function call(method: string, path: string, admin: ReturnType<typeof testAdmin>, body?: unknown) {
    const res = await fetch(`${system.auth.url}${path}`, {
      method,
      headers: { ...identityHeader({ admin }), 'content-type': 'application/json', 'x-requested-with': 'test' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>) };
  }

  it('when someone in ADMIN_EMAILS signs in to the panel, then the admin_token cookie is set and the panel opens', async () => {
    const { answer } = await devAdminLogin('boss@example.com');
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${ADMIN_URL}/`);
    const boss = await system.ctx.deps.prisma.user.findUniqueOrThrow({ where: { email: 'boss@example.com' } });
    expect(boss.isAdmin).toBe(true);
    expect(await system.ctx.deps.prisma.activityLog.count({ where: { action: 'admin_login', actorId: boss.id } })).toBe(1);
  });

  it('when the cookie is set, then it is HttpOnly, SameSite=Strict and lives as long as the token', async () => {
    const browser = system.browser();
    const hops = await browser.follow(`${system.auth.url}/auth/admin/login/dev`, () => false);
    const state = /name="state" value="([^"]+)"/.exec(hops.at(-1)?.body ?? '')?.[1] ?? '';
    const res = await fetch(`${system.auth.url}/auth/admin/callback/dev`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        ...identityHeader({}),
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `sentinel_login=${browser.cookie(system.auth.url, 'sentinel_login')}`,
      },
      body: new URLSearchParams({ state, email: 'boss@example.com', name: 'Boss' }).toString(),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('admin_token=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=3600/);
    const token = /^admin_token=([^;]+)/.exec(cookie)?.[1] ?? '';
    expect(await system.verify(token)).toMatchObject({ aud: 'sentinel:admin', admin: true });
  });

  it('when someone who is not an admin signs in to the panel, then they are sent back with not_admin and no account', async () => {
    const { answer, browser } = await devAdminLogin('nobody@example.com');
    expect(answer.location).toBe(`${ADMIN_URL}/login?error=not_admin`);
    expect(browser.cookie(system.auth.url, 'admin_token')).toBeUndefined();
    expect(await system.ctx.deps.prisma.user.count({ where: { email: 'nobody@example.com' } })).toBe(0);
  });

  it('when an admin asks /auth/admin/me and logs out, then the token is denylisted and the cookie cleared', async () => {
    const boss = await system.ctx.deps.prisma.user.findUniqueOrThrow({ where: { email: 'boss@example.com' } });
    const admin = testAdmin({ user_id: boss.id, email: boss.email, name: boss.name });
    expect(await call('GET', '/auth/admin/me', admin)).toEqual({ status: 200, body: { id: boss.id, email: boss.email, name: boss.name } });
    const res = await fetch(`${system.auth.url}/auth/admin/logout`, {
      method: 'POST',
      headers: { ...identityHeader({ admin }), 'x-requested-with': 'x' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().join()).toMatch(/admin_token=;/);
    expect(await system.ctx.deps.prisma.revokedAccessToken.count({ where: { jti: admin.token_id } })).toBe(1);
    // Without X-Requested-With: 403; not an admin (any more): 403.
    expect((await fetch(`${system.auth.url}/auth/admin/logout`, { method: 'POST', headers: identityHeader({ admin }) })).status).toBe(403);
    expect((await call('GET', '/auth/admin/me', testAdmin())).status).toBe(403);
  });

  it('when an admin manages client apps, then CRUD works with 0.7 shapes and every change is logged', async () => {
    const boss = await system.ctx.deps.prisma.user.findUniqueOrThrow({ where: { email: 'boss@example.com' } });
    const admin = testAdmin({ user_id: boss.id, email: boss.email });
    const created = await call('POST', '/admin/client-apps', admin, { name: '<i>Docs</i>', redirect_uris: ['https://docs.example.test/cb'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Docs',
      redirect_uris: ['https://docs.example.test/cb'],
      is_active: true,
      created_by: boss.id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = String(created.body?.id);
    expect((await call('GET', `/admin/client-apps/${id}`, admin)).body).toEqual(created.body);
    expect(((await call('GET', '/admin/client-apps', admin)).body as unknown as unknown[]).length).toBe(2);
    const patched = await call('PATCH', `/admin/client-apps/${id}`, admin, { redirect_uris: ['https://docs.example.test/cb2'] });
    expect(patched.body?.redirect_uris).toEqual(['https://docs.example.test/cb2']);
    expect((await call('DELETE', `/admin/client-apps/${id}`, admin)).status).toBe(204);
    expect((await call('GET', `/admin/client-apps/${id}`, admin)).status).toBe(404);
    const actions = (await system.ctx.deps.prisma.activityLog.findMany({ where: { targetId: id }, orderBy: { createdAt: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['client_app_created', 'client_app_updated', 'client_app_deleted']);
    // Bad input: 422, never 500; unknown id: 404.
    expect((await call('POST', '/admin/client-apps', admin, { name: 'x', redirect_uris: ['javascript:alert(1)'] })).status).toBe(422);
    expect((await call('POST', '/admin/client-apps', admin, { name: 'x' })).status).toBe(422);
    expect((await call('PATCH', '/admin/client-apps/not-a-uuid', admin, {})).status).toBe(422);
    expect((await call('PATCH', `/admin/client-apps/${id}`, admin, {})).status).toBe(404);
  });

  it('when a client app is deactivated with revoke_sessions, then its sessions end and logins through it stop', async () => {
    const boss = await system.ctx.deps.prisma.user.findUniqueOrThrow({ where: { email: 'boss@example.com' } });
    const admin = testAdmin({ user_id: boss.id, email: boss.email });
    system.fakes.google!.user = { sub: 'g-app', email: 'app-user@example.com', email_verified: true };
    const { verifier, challenge } = pkcePair();
    const { code } = await browserLogin(system, system.browser(), 'google', challenge);
    const [workspace] = (await workspaces(system, code ?? '')).body as Array<{ id: string }>;
    expect((await exchange(system, { code, workspace_id: workspace?.id, code_verifier: verifier })).status).toBe(200);

    const res = await call('PATCH', `/admin/client-apps/${system.clientAppId}`, admin, { is_active: false, revoke_sessions: true });
    expect(res.body?.is_active).toBe(false);
    const live = await system.ctx.deps.prisma.refreshTokenFamily.count({ where: { clientAppId: system.clientAppId, revokedAt: null } });
    expect(live).toBe(0);
    const { hops } = await browserLogin(system, system.browser(), 'google', challenge, APP_REDIRECT);
    expect(hops[0]?.status).toBe(400);
  });
});
