import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { seedMember, startStack, tokenServiceCall, type Stack } from './support';

describe('gateway: admin tier (admin_token cookie)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const newAdmin = async () => {
    const admin = await seedMember(stack.ctx.deps.prisma, { isAdmin: true });
    return { ...admin, cookie: `admin_token=${await stack.adminToken(admin.userId)}` };
  };
  const list = (cookie?: string) => {
    const req = request(stack.gateway).get('/admin/service-apps');
    return cookie === undefined ? req : req.set('cookie', cookie);
  };

  it('when an active admin calls an admin route, then the service receives the admin identity', async () => {
    const admin = await newAdmin();
    const res = await list(admin.cookie);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    // A mutation reaches token-service as this admin (created_by is the admin's id).
    const created = await request(stack.gateway)
      .post('/admin/service-apps')
      .set('cookie', admin.cookie)
      .set('x-requested-with', 'XMLHttpRequest')
      .send({ name: 'Billing', service_name: `billing-${Date.now().toString(36)}` });
    expect(created.status).toBe(201);
    expect(created.body.created_by).toBe(admin.userId);
  });

  it('when there is no cookie, then 401 Not authenticated; a bad one, 401 Invalid or expired token', async () => {
    expect((await list()).body).toEqual({ detail: 'Not authenticated' });
    expect((await list()).status).toBe(401);
    const res = await list('admin_token=not-a-token');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Invalid or expired token' });
  });

  it('when an access token is sent as the admin cookie, then 401', async () => {
    const { token } = await stack.accessToken();
    expect((await list(`admin_token=${token}`)).status).toBe(401);
  });

  it('when a mutation has no X-Requested-With header, then 403 without reaching the service', async () => {
    const admin = await newAdmin();
    const res = await request(stack.gateway).post('/admin/service-apps').set('cookie', admin.cookie).send({ name: 'X', service_name: 'nope' });
    expect(res.status).toBe(403);
    expect(await stack.ctx.deps.prisma.serviceApp.count({ where: { serviceName: 'nope' } })).toBe(0);
  });

  it('when is_admin is cleared in the database, then the very next admin request is refused', async () => {
    const admin = await newAdmin();
    expect((await list(admin.cookie)).status).toBe(200);
    await stack.ctx.deps.prisma.user.update({ where: { id: admin.userId }, data: { isAdmin: false } });
    const res = await list(admin.cookie);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: 'Not an admin' });
  });

  it('when is_active is cleared in the database, then the very next admin request is refused', async () => {
    const admin = await newAdmin();
    expect((await list(admin.cookie)).status).toBe(200);
    await stack.ctx.deps.prisma.user.update({ where: { id: admin.userId }, data: { isActive: false } });
    expect((await list(admin.cookie)).status).toBe(403);
  });

  it('when the admin token is revoked (admin logout), then 401 Token has been revoked', async () => {
    const admin = await newAdmin();
    const token = admin.cookie.slice('admin_token='.length);
    const claims = jwt.decode(token) as { jti: string; exp: number };
    await tokenServiceCall(stack.tokenServiceUrl, '/internal/denylist', { jti: claims.jti, expires_at: claims.exp, reason: 'admin_logout' }).catch(
      () => undefined, // 204: no JSON body
    );
    const res = await list(admin.cookie);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Token has been revoked' });
  });

  /** An admin token signed with token-service's real key, with `claims` on top of valid ones. */
  const forgeAdminToken = async (admin: Awaited<ReturnType<typeof seedMember>>, claims: object) => {
    const { createKeyStore } = await import('@sentinel/token-service/keys');
    const { loadConfig } = await import('@sentinel/token-service/config');
    const key = await createKeyStore({ ...stack.ctx.deps, config: loadConfig({ ...stack.ctx.env, PORT: '0' }) }).signingKey();
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign(
      { iss: stack.ctx.deps.config.BASE_URL, aud: 'sentinel:admin', type: 'admin_access', sub: admin.userId, jti: randomUUID(), email: admin.email, name: admin.name, iat: now, exp: now + 600, ...claims },
      key.privateKey,
      { algorithm: 'RS256', keyid: key.kid },
    );
  };

  it('when the admin claim is missing, then 403 Not an admin', async () => {
    const admin = await seedMember(stack.ctx.deps.prisma, { isAdmin: true });
    const res = await list(`admin_token=${await forgeAdminToken(admin, {})}`);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: 'Not an admin' });
  });

  it('when an admin token lives longer than token-service issues them plus the skew, then 401 even with the real key', async () => {
    const admin = await seedMember(stack.ctx.deps.prisma, { isAdmin: true });
    const now = Math.floor(Date.now() / 1000);
    // Admin tokens are issued for 3600 s, the skew is 60 s.
    const tooLong = await forgeAdminToken(admin, { admin: true, iat: now, exp: now + 3600 + 60 + 60 });
    const res = await list(`admin_token=${tooLong}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Invalid or expired token' });
    expect((await list(`admin_token=${await forgeAdminToken(admin, { admin: true, iat: now, exp: now + 3600 })}`)).status).toBe(200);
  });
});
