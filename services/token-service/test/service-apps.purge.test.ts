import { randomUUID } from 'node:crypto';
import { identityHeader, startServiceProcess, testService, testUser } from '@sentinel/testing';
import request from 'supertest';
import { seedAdmin, useServiceAppsWithPermissionService } from './service-apps-setup';

/**
 * Deleting a service app purges its resources in permission-service (a real process over the same
 * database) first, and keeps the app when that cannot be done.
 */
describe('DELETE /admin/service-apps/{id} purges the service’s resources', () => {
  const t = useServiceAppsWithPermissionService();
  const db = () => t.ctx.deps.prisma;
  let asAdmin: () => Record<string, string>;
  let adminId: string;
  let ws: string;
  let owner: string;
  let viewer: string;
  let group: string;

  beforeAll(async () => {
    const seeded = await seedAdmin(db());
    asAdmin = seeded.headers;
    adminId = seeded.admin.user_id;
    ws = (await db().workspace.create({ data: { slug: `ws-${randomUUID().slice(0, 8)}`, name: 'W' } })).id;
    const member = async (role: 'viewer' | 'owner') => {
      const user = await db().user.create({ data: { email: `${randomUUID()}@example.com`, name: 'U' } });
      await db().workspaceMembership.create({ data: { workspaceId: ws, userId: user.id, role } });
      return user.id;
    };
    owner = await member('viewer');
    viewer = await member('viewer');
    group = (await db().group.create({ data: { workspaceId: ws, name: 'Readers', members: { create: { userId: viewer } } } })).id;
  });

  const permissionService = () => t.permission.url;
  const createApp = async (serviceName: string) => {
    const res = await request(t.app).post('/admin/service-apps').set(asAdmin()).send({ name: 'App', service_name: serviceName });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const asKey = (serviceName: string) => identityHeader({ service: testService({ service_name: serviceName }) });
  const asViewer = (serviceName: string) =>
    identityHeader({ service: testService({ service_name: serviceName }), user: testUser({ user_id: viewer, workspace_id: ws, workspace_role: 'viewer' }) });
  const register = async (serviceName: string) => {
    const body = { service_name: serviceName, resource_type: 'doc', resource_id: randomUUID(), workspace_id: ws, owner_id: owner, visibility: 'private' };
    const res = await request(permissionService()).post('/permissions/register').set(asKey(serviceName)).send(body);
    expect(res.status).toBe(201);
    return { id: res.body.id as string, resourceId: body.resource_id };
  };
  const canView = async (serviceName: string, resourceId: string) => {
    const res = await request(permissionService())
      .post('/permissions/check')
      .set(asViewer(serviceName))
      .send({ checks: [{ service_name: serviceName, resource_type: 'doc', resource_id: resourceId, action: 'view' }] });
    expect(res.status).toBe(200);
    return res.body.results[0].allowed as boolean;
  };
  const revision = async () => (await db().workspace.findUniqueOrThrow({ where: { id: ws } })).accessRevision;

  it('when the app is deleted, then its resources and their shares are gone, checks deny, and other services keep theirs', async () => {
    const appId = await createApp('xsvc');
    const a = await register('xsvc');
    const b = await register('xsvc');
    const other = await register('other-svc');
    await db().resourceShare.createMany({
      data: [
        { resourcePermissionId: a.id, granteeType: 'user', granteeId: viewer, permission: 'view' },
        { resourcePermissionId: b.id, granteeType: 'group', granteeId: group, permission: 'edit' },
      ],
    });
    expect(await canView('xsvc', a.resourceId)).toBe(true);
    expect(await canView('xsvc', b.resourceId)).toBe(true);
    const before = await revision();

    const res = await request(t.app).delete(`/admin/service-apps/${appId}`).set(asAdmin());
    expect(res.status).toBe(204);
    expect((await request(t.app).get(`/admin/service-apps/${appId}`).set(asAdmin())).status).toBe(404);
    expect(await db().resourcePermission.count({ where: { serviceName: 'xsvc' } })).toBe(0);
    expect(await db().resourceShare.count({ where: { resourcePermissionId: { in: [a.id, b.id] } } })).toBe(0);
    expect(await db().resourcePermission.count({ where: { id: other.id } })).toBe(1);
    expect(await revision()).toBe(before + 1n);
    expect(await canView('xsvc', a.resourceId)).toBe(false);
    expect(await canView('xsvc', b.resourceId)).toBe(false);
    const entries = await db().activityLog.findMany({ where: { targetId: appId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(entries.map((e) => e.action)).toEqual(['service_app_created', 'permission_service_purged', 'service_app_deleted']);
    expect(entries[1]).toMatchObject({ actorId: adminId, workspaceId: ws, detail: { service_name: 'xsvc', resources: 2, shares: 2 } });
  });

  it('when permission-service is down, then 503 and the app and its resources stay; once it is back, the retry completes', async () => {
    const appId = await createApp('ysvc');
    const r = await register('ysvc');
    const { port } = t.permission;
    await t.permission.stop();

    const res = await request(t.app).delete(`/admin/service-apps/${appId}`).set(asAdmin());
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ detail: 'Service unavailable' });
    expect((await request(t.app).get(`/admin/service-apps/${appId}`).set(asAdmin())).status).toBe(200);
    expect(await db().resourcePermission.count({ where: { id: r.id } })).toBe(1);
    expect(await db().activityLog.count({ where: { targetId: appId, action: 'service_app_deleted' } })).toBe(0);

    const again = await startServiceProcess('permission-service', port, t.ctx.env);
    try {
      expect((await request(t.app).delete(`/admin/service-apps/${appId}`).set(asAdmin())).status).toBe(204);
      expect(await db().resourcePermission.count({ where: { id: r.id } })).toBe(0);
      expect((await request(t.app).get(`/admin/service-apps/${appId}`).set(asAdmin())).status).toBe(404);
    } finally {
      await again.stop();
    }
  }, 60_000);

  it('when permission-service refuses the call (another INTERNAL_SECRET), then 502, not its 401, and the app stays', async () => {
    const appId = await createApp('zsvc');
    // The shared process was stopped by the test above; this one does not trust token-service.
    const misconfigured = await startServiceProcess('permission-service', t.permission.port, { ...t.ctx.env, INTERNAL_SECRET: 'another-secret-0123456789abcdef0123456789abcdef' });
    try {
      const res = await request(t.app).delete(`/admin/service-apps/${appId}`).set(asAdmin());
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ detail: "Could not purge the service's resources" });
      expect((await request(t.app).get(`/admin/service-apps/${appId}`).set(asAdmin())).status).toBe(200);
    } finally {
      await misconfigured.stop();
    }
  }, 60_000);
});
