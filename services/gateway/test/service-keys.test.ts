import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningServer } from '@sentinel/http';
import { freePort, startServiceProcess, type ChildService } from '@sentinel/testing';
import request from 'supertest';
import { startEchoService } from './echo';
import { seedMember, startStack, type Stack } from './support';

const INVALID = { detail: 'Invalid or missing service API key' };

describe('gateway: service keys (service and dual tiers)', () => {
  let stack: Stack;
  let echo: RunningServer & { url: string };
  const gateways: ChildService[] = [];
  let adminCookie: string;
  let n = 0;

  beforeAll(async () => {
    echo = await startEchoService();
    stack = await startStack({ PERMISSION_SERVICE_URL: echo.url });
    const admin = await seedMember(stack.ctx.deps.prisma, { isAdmin: true });
    adminCookie = `admin_token=${await stack.adminToken(admin.userId)}`;
    const env = { ...stack.ctx.env, TOKEN_SERVICE_URL: stack.tokenServiceUrl, PERMISSION_SERVICE_URL: echo.url, LOG_LEVEL: 'error' };
    const [a, b] = [await freePort(), await freePort()];
    gateways.push(...(await Promise.all([startServiceProcess('gateway', a, env), startServiceProcess('gateway', b, env)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await echo.close();
    await stack.close();
  });

  const asAdmin = (req: request.Test) => req.set('cookie', adminCookie).set('x-requested-with', 'XMLHttpRequest');
  const createServiceApp = async () => {
    const res = await asAdmin(request(stack.gateway).post('/admin/service-apps')).send({ name: 'Docs', service_name: `docs-${++n}` });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, key: res.body.api_key as string, serviceName: res.body.service_name as string };
  };
  const register = (base: string, key?: string) =>
    fetch(`${base}/permissions/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-service-key': key }) },
      body: '{}',
    });

  it('when the key is missing or invalid, then 401 before reaching the service', async () => {
    expect((await request(stack.gateway).post('/permissions/register').send({})).body).toEqual(INVALID);
    const res = await request(stack.gateway).post('/permissions/register').set('x-service-key', 'sk_not-a-real-key').send({});
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID);
  });

  it('when the key is valid, then its app and service_name reach the service in the internal identity', async () => {
    const app = await createServiceApp();
    const res = await request(stack.gateway).post('/permissions/register').set('x-service-key', app.key).send({});
    expect(res.status).toBe(200);
    expect(res.body.identity).toEqual({ service: { app_id: app.id, service_name: app.serviceName } });
  });

  it('when a dual route gets both a key and a token, then both identities reach the service; either missing is 401', async () => {
    const app = await createServiceApp();
    const { token, member } = await stack.accessToken();
    const dual = () => request(stack.gateway).post('/permissions/check');
    const both = await dual().set('x-service-key', app.key).set('authorization', `Bearer ${token}`).send({});
    expect(both.status).toBe(200);
    expect(both.body.identity.service).toEqual({ app_id: app.id, service_name: app.serviceName });
    expect(both.body.identity.user).toMatchObject({ user_id: member.userId, workspace_id: member.workspaceId, workspace_role: 'editor' });
    expect((await dual().set('authorization', `Bearer ${token}`).send({})).body).toEqual(INVALID);
    expect((await dual().set('x-service-key', app.key).send({})).body).toEqual({ detail: 'Missing Bearer token' });
  });

  it('when a key is deactivated, then both running gateway processes refuse it within 1 s', async () => {
    const app = await createServiceApp();
    for (const g of gateways) expect((await register(g.url, app.key)).status).toBe(200); // now cached by both
    const res = await asAdmin(request(stack.gateway).patch(`/admin/service-apps/${app.id}`)).send({ is_active: false });
    expect(res.status).toBe(200);
    await sleep(1000);
    for (const g of gateways) {
      const refused = await register(g.url, app.key);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual(INVALID);
    }
  });

  it('when a key is rotated, then both gateway processes refuse the old key within 1 s and accept the new one', async () => {
    const app = await createServiceApp();
    for (const g of gateways) expect((await register(g.url, app.key)).status).toBe(200);
    const rotated = await asAdmin(request(stack.gateway).post(`/admin/service-apps/${app.id}/rotate-key`)).send({});
    expect(rotated.status).toBe(200);
    await sleep(1000);
    for (const g of gateways) {
      expect((await register(g.url, app.key)).status).toBe(401);
      expect((await register(g.url, rotated.body.api_key as string)).status).toBe(200);
    }
  });
});
