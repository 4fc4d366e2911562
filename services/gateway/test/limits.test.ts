import { freePort, startServiceProcess, type ChildService } from '@sentinel/testing';
import request from 'supertest';
import { seedMember, startStack, type Stack } from './support';

describe('gateway: rate limits shared by every replica', () => {
  let stack: Stack;
  const gateways: ChildService[] = [];

  beforeAll(async () => {
    stack = await startStack({ RATE_LIMIT_RPM: '5', RATE_LIMIT_AUTH_RPM: '2' });
    const env = { ...stack.ctx.env, TOKEN_SERVICE_URL: stack.tokenServiceUrl, LOG_LEVEL: 'error' };
    const [a, b] = [await freePort(), await freePort()];
    gateways.push(...(await Promise.all([startServiceProcess('gateway', a, env), startServiceProcess('gateway', b, env)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await stack.close();
  });

  const jwks = (g: ChildService, headers: Record<string, string> = {}) => fetch(`${g.url}/.well-known/jwks.json`, { headers });
  const [first, second] = [0, 1];

  it('when two gateway processes share the limit, then the 6th request from one IP is 429 with Retry-After', async () => {
    const statuses: number[] = [];
    // Spoofed X-Forwarded-For headers change nothing without BEHIND_PROXY: the socket's IP counts.
    for (let i = 0; i < 5; i += 1) statuses.push((await jwks(gateways[i % 2 === 0 ? first : second]!, { 'x-forwarded-for': `10.0.0.${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await jwks(gateways[second]!, { 'x-forwarded-for': '10.9.9.9' });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ detail: 'Too many requests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit')).toMatch(/limit=5, remaining=0/);
    expect(limited.headers.get('ratelimit-policy')).toBe('5;w=60');
    expect((await jwks(gateways[first]!)).status).toBe(429);
    // Liveness is never limited.
    expect((await fetch(`${gateways[first]!.url}/health`)).status).toBe(200);
  });

  it('when BEHIND_PROXY=true, then the last X-Forwarded-For entry is the client, each with its own count', async () => {
    const behind = stack.gatewayWith({ BEHIND_PROXY: 'true', RATE_LIMIT_RPM: '2' });
    const as = (ip: string) => request(behind).get('/.well-known/jwks.json').set('x-forwarded-for', `1.2.3.4, ${ip}`);
    expect((await as('203.0.113.1')).status).toBe(200);
    expect((await as('203.0.113.1')).status).toBe(200);
    expect((await as('203.0.113.1')).status).toBe(429);
    expect((await as('203.0.113.2')).status).toBe(200);
  });

  it('when /auth/refresh is called more than its stricter per-route limit, then 429 (the global limit is not reached)', async () => {
    const strict = stack.gatewayWith({ BEHIND_PROXY: 'true', RATE_LIMIT_RPM: '100', RATE_LIMIT_AUTH_RPM: '2' });
    const refresh = () => request(strict).post('/auth/refresh').set('x-forwarded-for', '198.51.100.7').send({ refresh_token: 'x' });
    expect((await refresh()).status).toBe(401);
    expect((await refresh()).status).toBe(401);
    const limited = await refresh();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('when a user is authenticated, then the limit counts per user (a valid token), not per shared IP', async () => {
    const perUser = stack.gatewayWith({ RATE_LIMIT_RPM: '2' });
    const [a, b] = [await stack.accessToken(), await stack.accessToken()];
    const me = (token: string) => request(perUser).get('/auth/me').set('authorization', `Bearer ${token}`);
    expect((await me(a.token)).status).toBe(200);
    expect((await me(a.token)).status).toBe(200);
    expect((await me(a.token)).status).toBe(429);
    expect((await me(b.token)).status).toBe(200);
  });

  it('when an admin uses the panel, then their session counts against the admin limit, not the per-user one', async () => {
    const gateway = stack.gatewayWith({ RATE_LIMIT_RPM: '2', RATE_LIMIT_ADMIN_RPM: '4' });
    const admin = await seedMember(stack.ctx.deps.prisma, { isAdmin: true });
    const cookie = `admin_token=${await stack.adminToken(admin.userId)}`;
    const list = () => request(gateway).get('/admin/service-apps').set('cookie', cookie);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await list()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });
});
