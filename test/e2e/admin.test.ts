/**
 * The admin API end to end: token-service, workspace-service and the gateway as real processes
 * on a database and Redis prefix of this file's own, driven through the gateway with admin_token
 * cookies as the admin panel would send them.
 */
import { randomBytes } from 'node:crypto';
import { createPrismaClient, type Database } from '@sentinel/db';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  identityHeader,
  startServiceProcess,
  type ChildService,
  type TestDatabase,
  type TestRedis,
} from '@sentinel/testing';

describe('the admin API through the gateway', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let prisma: Database;
  const processes: ChildService[] = [];
  let gateway = '';
  let adminCookie = '';
  let nonAdminCookie = '';
  let accessToken = '';
  const slug = `acme-${randomBytes(3).toString('hex')}`;
  const secrets = {
    INTERNAL_SECRET: `e2eSecA${randomBytes(24).toString('hex')}`,
    SESSION_SECRET_KEY: `e2eSecB${randomBytes(24).toString('hex')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    GOOGLE_CLIENT_SECRET: `e2eSecC${randomBytes(24).toString('hex')}`,
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await createTestRedis();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
    const [tokenPort, workspacePort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    gateway = `http://127.0.0.1:${gatewayPort}`;
    const env = {
      ...secrets,
      GOOGLE_CLIENT_ID: 'google-client-id',
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix,
      BASE_URL: gateway,
      TOKEN_SERVICE_URL: `http://127.0.0.1:${tokenPort}`,
      WORKSPACE_SERVICE_URL: `http://127.0.0.1:${workspacePort}`,
      RATE_LIMIT_RPM: '1000',
      LOG_LEVEL: 'error',
    };
    processes.push(
      ...(await Promise.all([startServiceProcess('token-service', tokenPort, env), startServiceProcess('workspace-service', workspacePort, env)])),
    );

    const admin = await prisma.user.create({ data: { email: 'root@example.com', name: 'Root', isAdmin: true } });
    const member = await prisma.user.create({ data: { email: 'member@example.com', name: 'Member' } });
    await prisma.user.create({ data: { email: 'formula@example.com', name: '=cmd|" /C calc"!A0' } });
    const ws = await prisma.workspace.create({ data: { slug, name: 'Acme' } });
    await prisma.workspaceMembership.create({ data: { workspaceId: ws.id, userId: member.id, role: 'owner' } });

    // What auth-service asks token-service for after a login (the panel's and an app's).
    const asAuthService = { 'content-type': 'application/json', ...identityHeader({ caller: 'auth-service' }, secrets.INTERNAL_SECRET) };
    const issue = async (path: string, body: object) => {
      const res = await fetch(`${env.TOKEN_SERVICE_URL}${path}`, { method: 'POST', headers: asAuthService, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { token: string; access_token: string };
    };
    adminCookie = `admin_token=${(await issue('/internal/tokens/admin', { user_id: admin.id })).token}`;
    nonAdminCookie = `admin_token=${(await issue('/internal/tokens/admin', { user_id: member.id })).token}`;
    accessToken = (await issue('/internal/tokens/issue', { user_id: member.id, workspace_id: ws.id })).access_token;
    // Started once token-service has its signing key, so the gateway's first JWKS fetch has it.
    processes.push(await startServiceProcess('gateway', gatewayPort, env));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await prisma?.$disconnect();
    await redis?.cleanup();
    await database?.drop();
  }, 30_000);

  const call = (path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', init.cookie ?? adminCookie);
    return fetch(`${gateway}${path}`, { ...init, headers });
  };
  const importCsv = (step: 'preview' | 'execute', csv: string) => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'users.csv');
    return call(`/admin/import/csv/${step}`, { method: 'POST', body: form, headers: { 'x-requested-with': 'XMLHttpRequest' } });
  };

  it('when the token is not an admin one, or its holder is not an admin, then the admin tier refuses it', async () => {
    expect((await call('/admin/users', { cookie: '' })).status).toBe(401);
    const bearerOnly = await call('/admin/users', { cookie: '', headers: { authorization: `Bearer ${accessToken}` } });
    expect(bearerOnly.status).toBe(401);
    expect((await call('/admin/users', { cookie: `admin_token=${accessToken}` })).status).toBe(401);
    const notAdmin = await call('/admin/users', { cookie: nonAdminCookie });
    expect(notAdmin.status).toBe(403);
    expect(await notAdmin.json()).toEqual({ detail: 'Not an admin' });
  });

  it('when an admin mutation has no X-Requested-With, then 403 and nothing is imported', async () => {
    const form = new FormData();
    form.append('file', new Blob([`email,name,workspace_slug,role\ncsrf@example.com,C,${slug},viewer\n`]), 'u.csv');
    const res = await call('/admin/import/csv/execute', { method: 'POST', body: form });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'X-Requested-With header required' });
    expect(await prisma.user.findUnique({ where: { email: 'csrf@example.com' } })).toBeNull();
  });

  it('when an admin lists and exports users, then the list is paginated and a formula name comes out neutralised', async () => {
    const list = await call('/admin/users?page_size=100');
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: Array<{ email: string }>; total: number };
    expect(page.items.map((u) => u.email).sort()).toEqual(['formula@example.com', 'member@example.com', 'root@example.com']);
    expect(page.total).toBe(3);

    const exported = await call('/admin/export/users');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const csv = await exported.text();
    expect(csv).toContain(`"'=cmd|"" /C calc""!A0"`);
    expect(csv).not.toMatch(/(^|,)"?=cmd/m);
  });

  it('when a CSV import has one bad row, then nothing is applied and the row is reported; fixed, it applies', async () => {
    const bad = `email,name,workspace_slug,role\nnew@example.com,New,${slug},editor\nbroken@example.com,Broken,${slug},emperor\n`;
    const preview = await importCsv('preview', bad);
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({ valid_count: 1, error_count: 1 });
    const refused = await importCsv('execute', bad);
    expect(refused.status).toBe(200);
    expect(await refused.json()).toEqual({
      users_created: 0,
      memberships_added: 0,
      errors: [{ row: 2, email: 'broken@example.com', error: expect.stringMatching(/^role: /) }],
    });
    expect(await prisma.user.findUnique({ where: { email: 'new@example.com' } })).toBeNull();

    const good = await importCsv('execute', `email,name,workspace_slug,role\nnew@example.com,New,${slug},editor\n`);
    expect(await good.json()).toEqual({ users_created: 1, memberships_added: 1, errors: [] });
    const created = await prisma.user.findUniqueOrThrow({ where: { email: 'new@example.com' }, include: { memberships: true } });
    expect(created.memberships.map((m) => m.role)).toEqual(['editor']);
  });

  it('when an admin reads the system settings and health, then no secret is in them and the view is logged', async () => {
    const res = await call('/admin/system/settings');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ oauth_providers: ['google'], security: { session_secret_configured: true } });
    for (const value of Object.values(secrets)) {
      expect(text).not.toContain(value.slice(0, 8));
    }
    expect(await prisma.activityLog.count({ where: { action: 'view_system_settings' } })).toBe(1);
    const health = await call('/admin/system/health');
    expect(await health.json()).toMatchObject({ status: 'healthy', checks: { database: { status: 'ok' }, redis: { status: 'ok' } } });
  });
});
