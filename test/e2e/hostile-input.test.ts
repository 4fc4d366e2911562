/**
 * The reproductions of issue 13, item 3 ("no input produces a 5xx"), through the gateway, with
 * every service as a real process on a database and Redis prefix of this file's own: a NUL or a
 * lone surrogate in stored text, `%00` in a search or filter, a Content-Encoding the body does not
 * have, and the requests Node's own HTTP parser refuses. Each answered a generic 500 (or a bare
 * status line) before the text rule of @sentinel/http.
 */
import { randomBytes } from 'node:crypto';
import { createPrismaClient, type Database } from '@sentinel/db';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  identityHeader,
  rawHttp,
  startServiceProcess,
  type ChildService,
  type TestDatabase,
  type TestRedis,
} from '@sentinel/testing';

const SERVICES = ['token-service', 'workspace-service', 'permission-service', 'auth-service'] as const;
const URL_VARS = {
  'token-service': 'TOKEN_SERVICE_URL',
  'workspace-service': 'WORKSPACE_SERVICE_URL',
  'permission-service': 'PERMISSION_SERVICE_URL',
  'auth-service': 'AUTH_SERVICE_URL',
} as const;
const ILL_FORMED = /must be well-formed Unicode text without NUL characters/;

describe('hostile input through the gateway: a 4xx, never a 5xx', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let prisma: Database;
  const processes: ChildService[] = [];
  const ports = {} as Record<(typeof SERVICES)[number] | 'gateway', number>;
  let gateway = '';
  let adminCookie = '';
  let accessToken = '';
  let serviceKey = '';
  let member = { id: '', name: '' };
  let workspaceId = '';
  const slug = `acme-${randomBytes(3).toString('hex')}`;
  const redirectUri = 'https://app.example.org/callback';
  const secrets = {
    INTERNAL_SECRET: `e2eSecA${randomBytes(24).toString('hex')}`,
    SESSION_SECRET_KEY: `e2eSecB${randomBytes(24).toString('hex')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await createTestRedis();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
    for (const name of [...SERVICES, 'gateway'] as const) ports[name] = await freePort();
    gateway = `http://127.0.0.1:${ports.gateway}`;
    const env: Record<string, string> = {
      ...secrets,
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix,
      BASE_URL: gateway,
      DEV_LOGIN: 'true',
      RATE_LIMIT_RPM: '0',
      RATE_LIMIT_AUTH_RPM: '0',
      RATE_LIMIT_ADMIN_BULK_RPM: '0',
      LOG_LEVEL: 'error',
      ...Object.fromEntries(SERVICES.map((s) => [URL_VARS[s], `http://127.0.0.1:${ports[s]}`])),
    };
    // Started together (a busy machine may take a while): each one that did start is stopped in afterAll.
    const started = await Promise.allSettled(SERVICES.map((name) => startServiceProcess(name, ports[name], env, { healthTimeoutMs: 90_000 })));
    for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;

    const admin = await prisma.user.create({ data: { email: 'root@example.com', name: 'Root', isAdmin: true } });
    member = await prisma.user.create({ data: { email: 'member@example.com', name: 'Member' } });
    workspaceId = (await prisma.workspace.create({ data: { slug, name: 'Acme' } })).id;
    await prisma.workspaceMembership.create({ data: { workspaceId, userId: member.id, role: 'owner' } });
    await prisma.clientApp.create({ data: { name: 'Front', redirectUris: [redirectUri] } });

    const asAuthService = { 'content-type': 'application/json', ...identityHeader({ caller: 'auth-service' }, secrets.INTERNAL_SECRET) };
    const issue = async (path: string, body: object) => {
      const res = await fetch(`${env.TOKEN_SERVICE_URL}${path}`, { method: 'POST', headers: asAuthService, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { token: string; access_token: string };
    };
    adminCookie = `admin_token=${(await issue('/internal/tokens/admin', { user_id: admin.id })).token}`;
    accessToken = (await issue('/internal/tokens/issue', { user_id: member.id, workspace_id: workspaceId })).access_token;
    processes.push(await startServiceProcess('gateway', ports.gateway, env, { healthTimeoutMs: 90_000 }));
    const created = await asAdmin('POST', '/admin/service-apps', { name: 'Notes', service_name: 'notes' });
    if (created.status !== 201) throw new Error(`service app: ${created.status} ${await created.text()}`);
    serviceKey = ((await created.json()) as { api_key: string }).api_key;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await prisma?.$disconnect();
    await redis?.cleanup();
    await database?.drop();
  }, 30_000);

  const send = (method: string, path: string, headers: Record<string, string>, body?: string | Buffer) =>
    fetch(`${gateway}${path}`, { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body });
  const asUser = (method: string, path: string, body?: object) => send(method, path, { authorization: `Bearer ${accessToken}` }, json(body));
  const asAdmin = (method: string, path: string, body?: object) =>
    send(method, path, { cookie: adminCookie, ...(method === 'GET' ? {} : { 'x-requested-with': 'XMLHttpRequest' }) }, json(body));
  const asService = (method: string, path: string, body?: object) => send(method, path, { 'x-service-key': serviceKey }, json(body));
  const json = (body?: object) => (body === undefined ? undefined : JSON.stringify(body));

  /** Each reproduction of the issue: the request, and what a refusal must have left unchanged. */
  const reproductions: Array<[string, () => Promise<Response>]> = [
    ['PATCH /users/me with a NUL in the name', () => asUser('PATCH', '/users/me', { name: 'ab\u0000cd' })],
    ['POST /workspaces with a NUL in the name', () => asUser('POST', '/workspaces', { name: 'W\u0000', slug: `${slug}-2` })],
    ['PATCH /workspaces/{id} with a NUL in the description', () => asUser('PATCH', `/workspaces/${workspaceId}`, { description: 'd\u0000' })],
    ['POST /workspaces/{id}/groups with a NUL in the name', () => asUser('POST', `/workspaces/${workspaceId}/groups`, { name: 'g\u0000' })],
    ['POST /admin/workspaces/{id}/roles with a NUL in the name', () => asAdmin('POST', `/admin/workspaces/${workspaceId}/roles`, { name: 'r\u0000' })],
    ['POST /admin/service-apps with a NUL in the name', () => asAdmin('POST', '/admin/service-apps', { name: 'S\u0000', service_name: 'other' })],
    // JSON.stringify writes a lone surrogate as the escape "\ud800", which JSON.parse turns back into one.
    ['PATCH /admin/service-apps/{id} with a lone surrogate', async () => asAdmin('PATCH', `/admin/service-apps/${await docsAppId()}`, { name: '\ud800x' })],
    ['POST /admin/client-apps with a lone surrogate', () => asAdmin('POST', '/admin/client-apps', { name: '\ud800x', redirect_uris: ['https://x.example.org/cb'] })],
    ['PATCH /admin/workspaces/{id} with a lone low surrogate', () => asAdmin('PATCH', `/admin/workspaces/${workspaceId}`, { name: 'W\udc00' })],
    [
      'POST /roles/actions/register with a NUL in a description',
      () => asService('POST', '/roles/actions/register', { service_name: 'notes', actions: [{ action: 'notes.read', description: 'd\u0000' }] }),
    ],
    ['POST /admin/import/csv/execute with a NUL in a row', () => importCsv(`email,name,workspace_slug,role\nnul@example.com,N\u0000ul,${slug},viewer\n`)],
    ['GET /admin/users?search=%00', () => asAdmin('GET', '/admin/users?search=%00')],
    ['GET /admin/activity?action=%00', () => asAdmin('GET', '/admin/activity?action=%00')],
    ['GET /workspaces/{id}/members?q=%00', () => asUser('GET', `/workspaces/${workspaceId}/members?q=%00`)],
    [
      'GET /auth/login/dev?redirect_uri=%00 (unauthenticated)',
      () => fetch(`${gateway}/auth/login/dev?redirect_uri=%00&code_challenge=abc&code_challenge_method=S256`, { redirect: 'manual' }),
    ],
  ];

  let docsApp: string | undefined;
  const docsAppId = async () => {
    docsApp ??= ((await (await asAdmin('POST', '/admin/service-apps', { name: 'Docs', service_name: 'docs' })).json()) as { id: string }).id;
    return docsApp;
  };
  const importCsv = (csv: string) => {
    const form = new FormData();
    form.append('file', new Blob([csv]), 'users.csv');
    return fetch(`${gateway}/admin/import/csv/execute`, { method: 'POST', headers: { cookie: adminCookie, 'x-requested-with': 'XMLHttpRequest' }, body: form });
  };

  it.each(reproductions)('when %s, then 422 from the text rule', async (_what, call) => {
    const res = await call();
    const body = (await res.json()) as { detail?: string };
    expect({ status: res.status, detail: body.detail }).toEqual({ status: 422, detail: expect.stringMatching(ILL_FORMED) });
  });

  it('when those requests were refused, then none of them wrote anything', async () => {
    expect((await prisma.user.findUniqueOrThrow({ where: { id: member.id } })).name).toBe('Member');
    expect(await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).toMatchObject({ name: 'Acme', description: null });
    expect(await prisma.workspace.count({ where: { slug: `${slug}-2` } })).toBe(0);
    expect(await prisma.group.count()).toBe(0);
    expect(await prisma.role.count()).toBe(0);
    expect(await prisma.serviceAction.count()).toBe(0);
    expect((await prisma.serviceApp.findMany({ select: { name: true }, orderBy: { name: 'asc' } })).map((a) => a.name)).toEqual(['Docs', 'Notes']);
    expect(await prisma.clientApp.count()).toBe(1);
    expect(await prisma.user.count({ where: { email: 'nul@example.com' } })).toBe(0);
  });

  describe.each(['gzip', 'br'])('when a body claims Content-Encoding %s but is not compressed', (encoding) => {
    const garbled = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/json', 'content-encoding': encoding });

    it.each([
      ['auth-service', 'POST', '/auth/token'],
      ['token-service', 'POST', '/auth/switch-workspace'],
      ['workspace-service', 'PATCH', '/users/me'],
      ['permission-service', 'POST', '/permissions/check'],
    ])('then %s answers 422 (%s %s)', async (_service, method, path) => {
      const credentials = { authorization: `Bearer ${accessToken}`, 'x-service-key': serviceKey };
      const res = await send(method, path, garbled(credentials), '{"name":"x"}');
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 422,
        body: { detail: 'Malformed body: it does not match its Content-Encoding' },
      });
    });

    it('then /auth/refresh answers its 401 and /auth/revoke its 200, as docs/api.md fixes', async () => {
      const refresh = await send('POST', '/auth/refresh', garbled({}), '{"refresh_token":"x"}');
      expect({ status: refresh.status, body: await refresh.json() }).toEqual({ status: 401, body: { detail: 'Invalid refresh token' } });
      expect((await send('POST', '/auth/revoke', garbled({}), '{"token":"x"}')).status).toBe(200);
      const form = await send('POST', '/auth/revoke', { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': encoding }, 'token=x');
      expect(form.status).toBe(200);
    });
  });

  it('when /auth/refresh or /auth/revoke get a NUL, then 401 and 200 as for any malformed body', async () => {
    const refresh = await send('POST', '/auth/refresh', {}, JSON.stringify({ refresh_token: 'a\u0000' }));
    expect(refresh.status).toBe(401);
    expect((await send('POST', '/auth/revoke', {}, JSON.stringify({ token: 'a\u0000' }))).status).toBe(200);
    const form = await send('POST', '/auth/revoke', { 'content-type': 'application/x-www-form-urlencoded' }, 'token=a%00');
    expect(form.status).toBe(200);
  });

  it.each(['gateway', 'workspace-service'] as const)(
    'when %s gets huge headers or a bad Content-Length, then a JSON 4xx with the security headers, and the connection closes',
    async (name) => {
      const cases: Array<[string, number, string]> = [
        [`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'Request header fields too large'],
        ['POST /users/me HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1x\r\n\r\n{}', 400, 'Invalid Content-Length'],
      ];
      for (const [raw, status, detail] of cases) {
        const res = await rawHttp(ports[name], raw);
        expect({ status: res.status, body: res.body }).toEqual({ status, body: JSON.stringify({ detail }) });
        expect(res.headers).toMatchObject({
          'content-type': 'application/json; charset=utf-8',
          connection: 'close',
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none';frame-ancestors 'none'",
          'x-frame-options': 'DENY',
        });
      }
    },
  );
});
