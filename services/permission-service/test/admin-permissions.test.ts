import { randomUUID } from 'node:crypto';
import { identityHeader, testAdmin, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { asService, asUser, registerBody, seeder } from './support';

type Row = Record<string, unknown>;

describe('admin permissions: /admin/permissions', () => {
  const t = useServiceApp(loadConfig, createApp);
  const seed = seeder(() => t.ctx.deps.prisma);
  const db = () => t.ctx.deps.prisma;
  let ws: string;
  let otherWs: string;
  let adminId: string;
  let admin: Record<string, string>;
  let owner: string;
  let viewer: string;
  let stranger: string;
  let group: string;
  let n = 0;
  const svcName = () => `adm${++n}-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    ws = await seed.workspace();
    otherWs = await seed.workspace();
    adminId = await seed.user();
    admin = identityHeader({ admin: testAdmin({ user_id: adminId }) });
    owner = await seed.user(ws, 'viewer');
    viewer = await seed.user(ws, 'viewer');
    stranger = await seed.user(otherWs, 'owner');
    group = await seed.group(ws, [viewer]);
  });

  const register = async (svc: string, over: Record<string, unknown> = {}) => {
    const body = registerBody({ service_name: svc, workspace_id: ws, owner_id: owner, ...over });
    const res = await request(t.app).post('/permissions/register').set(asService(svc)).send(body);
    expect(res.status).toBe(201);
    return { id: res.body.id as string, resourceId: body.resource_id as string, svc };
  };
  const adminShare = (id: string, body: object, headers = admin) => request(t.app).post(`/admin/permissions/${id}/share`).set(headers).send(body);
  const list = (query: Record<string, string | number>) => request(t.app).get('/admin/permissions').query(query).set(admin);
  const canView = async (r: { resourceId: string; svc: string }, userId: string) => {
    const res = await request(t.app)
      .post('/permissions/check')
      .set(asUser({ user_id: userId, workspace_id: ws }, r.svc))
      .send({ checks: [{ service_name: r.svc, resource_type: 'document', resource_id: r.resourceId, action: 'view' }] });
    expect(res.status).toBe(200);
    return res.body.results[0].allowed as boolean;
  };
  const lastActivity = async (targetId: string) =>
    (await db().activityLog.findMany({ where: { targetId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1 }))[0];

  describe('GET /admin/permissions', () => {
    it('when listed, then a page with owner_email and share_count, filtered by service, workspace and resource-id prefix', async () => {
      const svc = svcName();
      const a = await register(svc);
      const b = await register(svc);
      await register(svc, { workspace_id: otherWs, owner_id: stranger });
      await adminShare(a.id, { grantee_type: 'user', grantee_id: viewer, permission: 'view' }).expect(201);
      await adminShare(a.id, { grantee_type: 'group', grantee_id: group, permission: 'edit' }).expect(201);

      const res = await list({ service_name: svc, workspace_id: ws });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 2, page: 1, page_size: 20 });
      const ownerEmail = (await db().user.findUniqueOrThrow({ where: { id: owner } })).email;
      const item = (res.body.items as Row[]).find((i) => i.id === a.id);
      expect(item).toEqual({
        id: a.id,
        service_name: svc,
        resource_type: 'document',
        resource_id: a.resourceId,
        workspace_id: ws,
        owner_id: owner,
        visibility: 'private',
        created_at: expect.any(String),
        owner_email: ownerEmail,
        share_count: 2,
      });
      expect((res.body.items as Row[]).find((i) => i.id === b.id)).toMatchObject({ share_count: 0 });
      expect((await list({ service_name: svc })).body.total).toBe(3);

      const byPrefix = await list({ service_name: svc, resource_id: b.resourceId.slice(0, 8).toUpperCase() });
      expect((byPrefix.body.items as Row[]).map((i) => i.id)).toEqual([b.id]);
      // `_` and `%` are not wildcards here.
      expect((await list({ service_name: svc, resource_id: '%' })).body.total).toBe(0);
      expect((await list({ service_name: svc, resource_id: `${b.resourceId.slice(0, 7)}_` })).body.total).toBe(0);
    });

    it('when filtered by owner, then the email substring matches in any case, and % _ \\ match only themselves', async () => {
      const svc = svcName();
      const tag = randomUUID().slice(0, 8);
      const emails = [`ann_${tag}@example.com`, `annx${tag}@example.com`, `bo%${tag}@example.com`];
      const owners: string[] = [];
      for (const email of emails) {
        const user = await db().user.create({ data: { email, name: 'Owner' } });
        await db().workspaceMembership.create({ data: { workspaceId: ws, userId: user.id, role: 'viewer' } });
        owners.push(user.id);
      }
      const resources = [];
      for (const ownerId of owners) resources.push(await register(svc, { owner_id: ownerId }));
      const ids = async (owner: string) => ((await list({ service_name: svc, owner })).body.items as Row[]).map((i) => i.id);
      expect(await ids(`ANN_${tag.toUpperCase()}`)).toEqual([resources[0]?.id]);
      expect((await ids(`ann`)).sort()).toEqual([resources[0]?.id, resources[1]?.id].sort());
      expect(await ids('%')).toEqual([resources[2]?.id]);
      expect(await ids('\\')).toEqual([]);
    });

    it('when sorted by shares or created_at, either way, then the order is total (ties by id) and pages neither overlap nor skip', async () => {
      const svc = svcName();
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await register(svc));
      // share counts 0, 1, 1, 2, 2: ties everywhere
      const shareCounts = [0, 1, 1, 2, 2];
      for (const [i, r] of made.entries()) {
        if (shareCounts[i]! >= 1) await adminShare(r.id, { grantee_type: 'user', grantee_id: viewer, permission: 'view' }).expect(201);
        if (shareCounts[i]! >= 2) await adminShare(r.id, { grantee_type: 'group', grantee_id: group, permission: 'view' }).expect(201);
      }
      // Whole-second creation times with ties, so created_at ties are broken by id too.
      const createdAt = [0, 0, 1, 1, 0].map((s) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)));
      for (const [i, r] of made.entries()) await db().resourcePermission.update({ where: { id: r.id }, data: { createdAt: createdAt[i]! } });
      const created = new Map(made.map((r, i) => [r.id, createdAt[i]!.getTime()]));
      const count = new Map(made.map((r, i) => [r.id, shareCounts[i]!]));
      const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      for (const sortBy of ['shares', 'created_at'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const sign = order === 'asc' ? 1 : -1;
          const expected = made
            .map((r) => r.id)
            .sort(
              (a, b) =>
                sign *
                ((sortBy === 'shares' ? count.get(a)! - count.get(b)! : 0) || created.get(a)! - created.get(b)! || cmp(a, b)),
            );
          const pages: unknown[] = [];
          for (const page of [1, 2, 3]) {
            const res = await list({ service_name: svc, sort_by: sortBy, sort_order: order, page, page_size: 2 });
            expect(res.status).toBe(200);
            expect(res.body).toMatchObject({ total: 5, page, page_size: 2 });
            pages.push(...(res.body.items as Row[]).map((i) => i.id));
          }
          expect(pages).toEqual(expected);
        }
      }
    });

    it('when the query is invalid, then 422', async () => {
      const queries: Array<Record<string, string | number>> = [
        { page_size: 101 },
        { page: 0 },
        { sort_by: 'owner' },
        { sort_order: 'up' },
        { workspace_id: 'nope' },
        { service_name: 'Bad Name' },
        { resource_id: 'x'.repeat(37) },
      ];
      for (const query of queries) {
        const res = await list(query);
        expect(res.status).toBe(422);
        expect(res.body.detail).toEqual(expect.any(String));
      }
    });
  });

  describe('GET /admin/permissions/{id}', () => {
    it('when asked, then the record with its shares, owner and grantee names and emails; 404 unknown; 422 malformed', async () => {
      const r = await register(svcName());
      await adminShare(r.id, { grantee_type: 'user', grantee_id: viewer, permission: 'edit' }).expect(201);
      await adminShare(r.id, { grantee_type: 'group', grantee_id: group, permission: 'view' }).expect(201);
      const res = await request(t.app).get(`/admin/permissions/${r.id}`).set(admin);
      expect(res.status).toBe(200);
      const users = new Map((await db().user.findMany({ where: { id: { in: [owner, viewer] } } })).map((u) => [u.id, u]));
      const groupName = (await db().group.findUniqueOrThrow({ where: { id: group } })).name;
      expect(res.body).toMatchObject({ id: r.id, resource_id: r.resourceId, owner_id: owner, owner_name: 'User', owner_email: users.get(owner)?.email });
      expect(res.body.shares).toEqual([
        expect.objectContaining({ grantee_type: 'user', grantee_id: viewer, permission: 'edit', granted_by: adminId, grantee_email: users.get(viewer)?.email }),
        expect.objectContaining({ grantee_type: 'group', grantee_id: group, grantee_name: groupName, grantee_email: null }),
      ]);
      expect((await request(t.app).get(`/admin/permissions/${randomUUID()}`).set(admin)).status).toBe(404);
      expect((await request(t.app).get('/admin/permissions/not-a-uuid').set(admin)).status).toBe(422);
    });
  });

  describe('PATCH /admin/permissions/{id}/visibility', () => {
    it('when made private, then members lose view at once, the revision is bumped and the admin is the actor', async () => {
      const r = await register(svcName(), { visibility: 'workspace' });
      expect(await canView(r, viewer)).toBe(true);
      const before = await seed.revision(ws);
      const res = await request(t.app).patch(`/admin/permissions/${r.id}/visibility`).set(admin).send({ visibility: 'private' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: r.id, visibility: 'private', shares: [] });
      expect(await canView(r, viewer)).toBe(false);
      expect(await seed.revision(ws)).toBe(before + 1n);
      expect(await lastActivity(r.id)).toMatchObject({
        action: 'permission_visibility_changed',
        actorId: adminId,
        workspaceId: ws,
        detail: expect.objectContaining({ from: 'workspace', to: 'private', via: 'admin' }),
      });
    });

    it('when the id is unknown, then 404; an invalid visibility or id, 422', async () => {
      const r = await register(svcName());
      expect((await request(t.app).patch(`/admin/permissions/${randomUUID()}/visibility`).set(admin).send({ visibility: 'private' })).status).toBe(404);
      expect((await request(t.app).patch(`/admin/permissions/${r.id}/visibility`).set(admin).send({ visibility: 'public' })).status).toBe(422);
      expect((await request(t.app).patch('/admin/permissions/x/visibility').set(admin).send({ visibility: 'private' })).status).toBe(422);
    });
  });

  describe('POST /admin/permissions/{id}/share', () => {
    it('when an admin shares, then 201, the grantee can view at once, sharing again updates, and the admin is the actor', async () => {
      const r = await register(svcName());
      expect(await canView(r, viewer)).toBe(false);
      const res = await adminShare(r.id, { grantee_type: 'user', grantee_id: viewer, permission: 'view' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ status: 'ok' });
      expect(await canView(r, viewer)).toBe(true);
      await adminShare(r.id, { grantee_type: 'user', grantee_id: viewer, permission: 'edit' }).expect(201);
      const shares = await db().resourceShare.findMany({ where: { resourcePermissionId: r.id } });
      expect(shares).toMatchObject([{ granteeId: viewer, permission: 'edit', grantedById: adminId }]);
      expect(await lastActivity(r.id)).toMatchObject({
        action: 'permission_shared',
        actorId: adminId,
        workspaceId: ws,
        detail: expect.objectContaining({ grantee_id: viewer, permission: 'edit', previous_permission: 'view', via: 'admin' }),
      });
    });

    it('when the grantee is not in the workspace, then 400 and nothing is shared; unknown resource 404; bad body 422', async () => {
      const r = await register(svcName());
      for (const body of [
        { grantee_type: 'user', grantee_id: stranger, permission: 'view' },
        { grantee_type: 'group', grantee_id: randomUUID(), permission: 'view' },
      ]) {
        const res = await adminShare(r.id, body);
        expect(res.status).toBe(400);
        expect(res.body.detail).toEqual(expect.any(String));
      }
      expect(await db().resourceShare.count({ where: { resourcePermissionId: r.id } })).toBe(0);
      expect((await adminShare(randomUUID(), { grantee_type: 'user', grantee_id: viewer, permission: 'view' })).status).toBe(404);
      expect((await adminShare(r.id, { grantee_type: 'user', grantee_id: viewer, permission: 'own' })).status).toBe(422);
      expect((await adminShare(r.id, {})).status).toBe(422);
    });
  });

  describe('DELETE /admin/permissions/{id}/share?grantee_type=&grantee_id=', () => {
    it('when a share is removed, then {"status":"ok"}, the grantee loses access at once, and it is logged with the admin', async () => {
      const r = await register(svcName());
      await adminShare(r.id, { grantee_type: 'group', grantee_id: group, permission: 'view' }).expect(201);
      expect(await canView(r, viewer)).toBe(true);
      const before = await seed.revision(ws);
      const res = await request(t.app).delete(`/admin/permissions/${r.id}/share`).query({ grantee_type: 'group', grantee_id: group }).set(admin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(await canView(r, viewer)).toBe(false);
      expect(await seed.revision(ws)).toBe(before + 1n);
      expect(await lastActivity(r.id)).toMatchObject({ action: 'permission_revoked', actorId: adminId, workspaceId: ws });
    });

    it('when the share or resource is unknown, then 404; missing or invalid query params, 422', async () => {
      const r = await register(svcName());
      const del = (id: string, query: Record<string, string>) => request(t.app).delete(`/admin/permissions/${id}/share`).query(query).set(admin);
      const unknownShare = await del(r.id, { grantee_type: 'user', grantee_id: viewer });
      expect(unknownShare.status).toBe(404);
      expect(unknownShare.body).toEqual({ detail: 'Share not found' });
      expect((await del(randomUUID(), { grantee_type: 'user', grantee_id: viewer })).status).toBe(404);
      expect((await del(r.id, { grantee_type: 'user' })).status).toBe(422);
      expect((await del(r.id, { grantee_type: 'role', grantee_id: viewer })).status).toBe(422);
    });
  });

  it('when the caller is not an admin (a user of any role, a service key), then 403 on every route and nothing changes; no identity 401', async () => {
    const r = await register(svcName(), { visibility: 'workspace' });
    const share = { grantee_type: 'user', grantee_id: viewer, permission: 'view' };
    const routes = (headers: Record<string, string>) => [
      request(t.app).get('/admin/permissions').set(headers),
      request(t.app).get(`/admin/permissions/${r.id}`).set(headers),
      request(t.app).patch(`/admin/permissions/${r.id}/visibility`).set(headers).send({ visibility: 'private' }),
      request(t.app).post(`/admin/permissions/${r.id}/share`).set(headers).send(share),
      request(t.app).delete(`/admin/permissions/${r.id}/share`).query({ grantee_type: 'user', grantee_id: viewer }).set(headers),
    ];
    for (const headers of [asUser({ user_id: owner, workspace_id: ws, workspace_role: 'owner' }), asService(r.svc)]) {
      const answers = await Promise.all(routes(headers));
      expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
      expect(answers.map((a) => a.body as unknown)).toEqual(Array(5).fill({ detail: 'Not an admin' }));
    }
    expect((await Promise.all(routes(identityHeader({})))).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    const row = await db().resourcePermission.findUniqueOrThrow({ where: { id: r.id }, include: { shares: true } });
    expect(row).toMatchObject({ visibility: 'workspace', shares: [] });
  });
});
