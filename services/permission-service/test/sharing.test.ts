import { randomUUID } from 'node:crypto';
import { useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { asService, asUser, registerBody, seeder, type TokenClaims } from './support';

describe('sharing, visibility, the ACL and deregistration', () => {
  const t = useServiceApp(loadConfig, createApp);
  const seed = seeder(() => t.ctx.deps.prisma);
  let ws: string;
  let otherWs: string;
  let owner: string;
  let admin: string;
  let editor: string;
  let viewer: string;
  let stranger: string;
  let group: string;
  let foreignGroup: string;

  beforeAll(async () => {
    ws = await seed.workspace();
    otherWs = await seed.workspace();
    owner = await seed.user(ws, 'viewer');
    admin = await seed.user(ws, 'admin');
    editor = await seed.user(ws, 'editor');
    viewer = await seed.user(ws, 'viewer');
    stranger = await seed.user(otherWs, 'owner');
    group = await seed.group(ws, [viewer]);
    foreignGroup = await seed.group(otherWs, [stranger]);
  });

  const claims = (userId: string, over: Partial<TokenClaims> = {}): TokenClaims => ({ user_id: userId, workspace_id: ws, ...over });
  const register = async (over: Record<string, unknown> = {}) => {
    const body = registerBody({ workspace_id: ws, owner_id: owner, ...over });
    const res = await request(t.app).post('/permissions/register').set(asService()).send(body);
    expect(res.status).toBe(201);
    return { id: res.body.id as string, resourceId: body.resource_id as string };
  };
  const share = (id: string, by: TokenClaims, body: object, service = 'docs') =>
    request(t.app).post(`/permissions/${id}/share`).set(asUser(by, service)).send(body);
  const unshare = (id: string, body: object, service = 'docs') =>
    request(t.app).delete(`/permissions/${id}/share`).set(asService(service)).send(body);
  const setVisibility = (id: string, visibility: string, service = 'docs') =>
    request(t.app).patch(`/permissions/${id}/visibility`).set(asService(service)).send({ visibility });
  const acl = (resourceId: string, service = 'docs', svc = 'docs') =>
    request(t.app).get(`/permissions/resource/${svc}/document/${resourceId}`).set(asService(service));
  const deregister = (resourceId: string, service = 'docs', svc = 'docs') =>
    request(t.app).delete(`/permissions/resource/${svc}/document/${resourceId}`).set(asService(service));
  const canView = async (userId: string, resourceId: string) => {
    const res = await request(t.app)
      .post('/permissions/check')
      .set(asUser(claims(userId)))
      .send({ checks: [{ service_name: 'docs', resource_type: 'document', resource_id: resourceId, action: 'view' }] });
    expect(res.status).toBe(200);
    return res.body.results[0].allowed as boolean;
  };
  const activity = (targetId: string) =>
    t.ctx.deps.prisma.activityLog.findMany({ where: { targetId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

  describe('POST /permissions/{id}/share', () => {
    it('when the owner shares with a member, then 201 {"status":"ok"}, the ACL lists it, and the activity names it', async () => {
      const r = await register();
      const res = await share(r.id, claims(owner), { grantee_type: 'user', grantee_id: editor, permission: 'edit' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ status: 'ok' });
      const got = await acl(r.resourceId);
      expect(got.body.shares).toEqual([
        { id: expect.any(String), grantee_type: 'user', grantee_id: editor, permission: 'edit', granted_by: owner, granted_at: expect.any(String) },
      ]);
      expect((await activity(r.id)).map((e) => e.action)).toEqual(['permission_registered', 'permission_shared']);
      expect((await activity(r.id))[1]).toMatchObject({ actorId: owner, workspaceId: ws });
    });

    it('when a workspace admin (in the database) shares, then 201; an editor who does not own it gets 403', async () => {
      const r = await register();
      expect((await share(r.id, claims(admin), { grantee_type: 'group', grantee_id: group, permission: 'view' })).status).toBe(201);
      const denied = await share(r.id, claims(editor, { workspace_role: 'admin' }), { grantee_type: 'user', grantee_id: viewer, permission: 'view' });
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ detail: 'Only the resource owner or workspace admin can share' });
    });

    it('when sharing again, then the permission is updated in place (one share), and a downgrade bumps the revision', async () => {
      const r = await register();
      const body = { grantee_type: 'user', grantee_id: viewer };
      expect((await share(r.id, claims(owner), { ...body, permission: 'view' })).status).toBe(201);
      expect((await share(r.id, claims(owner), { ...body, permission: 'edit' })).status).toBe(201);
      expect((await acl(r.resourceId)).body.shares).toMatchObject([{ grantee_id: viewer, permission: 'edit' }]);
      const before = await seed.revision(ws);
      expect((await share(r.id, claims(owner), { ...body, permission: 'view' })).status).toBe(201);
      expect((await acl(r.resourceId)).body.shares).toMatchObject([{ grantee_id: viewer, permission: 'view' }]);
      expect(await seed.revision(ws)).toBe(before + 1n);
    });

    it('when ten shares of the same grantee race, then all succeed (no 500) and one share remains', async () => {
      const r = await register();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          share(r.id, claims(owner), { grantee_type: 'user', grantee_id: viewer, permission: i % 2 === 0 ? 'view' : 'edit' }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
      expect((await acl(r.resourceId)).body.shares).toHaveLength(1);
    });

    it('when the grantee is not in the workspace (user or group), then 400', async () => {
      const r = await register();
      for (const body of [
        { grantee_type: 'user', grantee_id: stranger, permission: 'view' },
        { grantee_type: 'user', grantee_id: randomUUID(), permission: 'view' },
        { grantee_type: 'group', grantee_id: foreignGroup, permission: 'view' },
        { grantee_type: 'group', grantee_id: randomUUID(), permission: 'edit' },
      ]) {
        expect((await share(r.id, claims(owner), body)).status).toBe(400);
      }
      expect((await acl(r.resourceId)).body.shares).toEqual([]);
    });

    it("when the resource is in another workspace than the token's, then 403; unknown id 404; bad body 422", async () => {
      const r = await register();
      const body = { grantee_type: 'user', grantee_id: viewer, permission: 'view' };
      expect((await share(r.id, { user_id: stranger, workspace_id: otherWs, workspace_role: 'owner' }, body)).status).toBe(403);
      expect((await share(randomUUID(), claims(owner), body)).status).toBe(404);
      expect((await share(r.id, claims(owner), { ...body, permission: 'own' })).status).toBe(422);
      expect((await share('not-a-uuid', claims(owner), body)).status).toBe(422);
    });
  });

  describe('DELETE /permissions/{id}/share', () => {
    it('when a share is removed, then {"status":"ok"}, the next check denies, the revision is bumped and logged', async () => {
      const r = await register();
      await share(r.id, claims(owner), { grantee_type: 'user', grantee_id: editor, permission: 'view' });
      expect(await canView(editor, r.resourceId)).toBe(true);
      const before = await seed.revision(ws);
      const res = await unshare(r.id, { grantee_type: 'user', grantee_id: editor, permission: 'view' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(await canView(editor, r.resourceId)).toBe(false);
      expect(await seed.revision(ws)).toBe(before + 1n);
      expect((await activity(r.id)).at(-1)).toMatchObject({ action: 'permission_revoked', workspaceId: ws });
    });

    it('when a group share is removed, then its members lose access at once', async () => {
      const r = await register();
      await share(r.id, claims(owner), { grantee_type: 'group', grantee_id: group, permission: 'view' });
      expect(await canView(viewer, r.resourceId)).toBe(true);
      expect((await unshare(r.id, { grantee_type: 'group', grantee_id: group })).status).toBe(200);
      expect(await canView(viewer, r.resourceId)).toBe(false);
    });

    it('when the share or the resource is unknown, then 404 and the revision is untouched', async () => {
      const r = await register();
      const before = await seed.revision(ws);
      expect((await unshare(r.id, { grantee_type: 'user', grantee_id: viewer })).status).toBe(404);
      expect((await unshare(randomUUID(), { grantee_type: 'user', grantee_id: viewer })).status).toBe(404);
      expect((await unshare(r.id, { grantee_type: 'role', grantee_id: viewer })).status).toBe(422);
      expect(await seed.revision(ws)).toBe(before);
      expect((await activity(r.id)).map((e) => e.action)).toEqual(['permission_registered']);
    });
  });

  describe('PATCH /permissions/{id}/visibility', () => {
    it('when made private, then the resource comes back, members lose view at once, and the revision is bumped', async () => {
      const r = await register({ visibility: 'workspace' });
      expect(await canView(viewer, r.resourceId)).toBe(true);
      const before = await seed.revision(ws);
      const res = await setVisibility(r.id, 'private');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: r.id, visibility: 'private', shares: [] });
      expect(await canView(viewer, r.resourceId)).toBe(false);
      expect(await seed.revision(ws)).toBe(before + 1n);
      expect((await activity(r.id)).at(-1)).toMatchObject({
        action: 'permission_visibility_changed',
        detail: expect.objectContaining({ from: 'workspace', to: 'private' }),
      });
    });

    it('when the visibility does not change, then the resource comes back with no activity and no revision bump', async () => {
      const r = await register({ visibility: 'private' });
      const before = await seed.revision(ws);
      const res = await setVisibility(r.id, 'private');
      expect(res.status).toBe(200);
      expect(res.body.visibility).toBe('private');
      expect(await seed.revision(ws)).toBe(before);
      expect((await activity(r.id)).map((e) => e.action)).toEqual(['permission_registered']);
    });

    it('when made workspace-visible, then members view it at once (the revision is bumped); 422 for another value; 404 unknown', async () => {
      const r = await register({ visibility: 'private' });
      expect(await canView(viewer, r.resourceId)).toBe(false); // now cached as private on this replica
      const before = await seed.revision(ws);
      expect((await setVisibility(r.id, 'workspace')).status).toBe(200);
      expect(await canView(viewer, r.resourceId)).toBe(true);
      expect(await seed.revision(ws)).toBe(before + 1n);
      expect((await setVisibility(r.id, 'public')).status).toBe(422);
      expect((await setVisibility(randomUUID(), 'private')).status).toBe(404);
    });
  });

  describe('GET and DELETE /permissions/resource/{svc}/{type}/{rid}', () => {
    it('when the resource exists, then the ACL is the register shape with its shares; unknown → 404', async () => {
      const r = await register();
      await share(r.id, claims(owner), { grantee_type: 'group', grantee_id: group, permission: 'edit' });
      const res = await acl(r.resourceId);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: r.id, service_name: 'docs', resource_type: 'document', resource_id: r.resourceId, owner_id: owner });
      expect(res.body.shares).toMatchObject([{ grantee_type: 'group', grantee_id: group, permission: 'edit' }]);
      expect((await acl(randomUUID())).status).toBe(404);
      expect((await acl('nope')).status).toBe(422);
    });

    it('when the enriched ACL is asked, then owner and grantees come with names and emails, groups with names', async () => {
      const r = await register();
      await share(r.id, claims(owner), { grantee_type: 'user', grantee_id: editor, permission: 'view' });
      await share(r.id, claims(owner), { grantee_type: 'group', grantee_id: group, permission: 'edit' });
      const res = await request(t.app).get(`/permissions/resource/docs/document/${r.resourceId}/enriched`).set(asService());
      expect(res.status).toBe(200);
      const users = await t.ctx.deps.prisma.user.findMany({ where: { id: { in: [owner, editor] } } });
      const byId = new Map(users.map((u) => [u.id, u]));
      const groupRow = await t.ctx.deps.prisma.group.findUniqueOrThrow({ where: { id: group } });
      expect(res.body).toMatchObject({ id: r.id, owner_id: owner, owner_name: 'User', owner_email: byId.get(owner)?.email });
      expect(res.body.shares).toEqual([
        expect.objectContaining({ grantee_type: 'user', grantee_id: editor, grantee_name: 'User', grantee_email: byId.get(editor)?.email }),
        expect.objectContaining({ grantee_type: 'group', grantee_id: group, grantee_name: groupRow.name, grantee_email: null }),
      ]);
      const other = await request(t.app).get(`/permissions/resource/docs/document/${r.resourceId}/enriched`).set(asService('billing'));
      expect(other.status).toBe(403);
      const unknown = await request(t.app).get(`/permissions/resource/docs/document/${randomUUID()}/enriched`).set(asService());
      expect(unknown.status).toBe(404);
    });

    it('when deregistered, then 204, the shares go, the next check denies, and the revision is bumped', async () => {
      const r = await register({ visibility: 'workspace' });
      await share(r.id, claims(owner), { grantee_type: 'user', grantee_id: viewer, permission: 'edit' });
      expect(await canView(viewer, r.resourceId)).toBe(true);
      const before = await seed.revision(ws);
      const res = await deregister(r.resourceId);
      expect(res.status).toBe(204);
      expect(await canView(viewer, r.resourceId)).toBe(false);
      expect(await t.ctx.deps.prisma.resourceShare.count({ where: { resourcePermissionId: r.id } })).toBe(0);
      expect(await seed.revision(ws)).toBe(before + 1n);
      expect((await activity(r.id)).at(-1)).toMatchObject({ action: 'permission_deregistered', workspaceId: ws });
      expect((await deregister(r.resourceId)).status).toBe(404);
      expect((await acl(r.resourceId)).status).toBe(404);
    });
  });

  describe("a service key acting on another service's resources", () => {
    it('when it shares, unshares, changes visibility, reads or deregisters, then 403 and nothing changes', async () => {
      const r = await register({ visibility: 'workspace' });
      await share(r.id, claims(owner), { grantee_type: 'user', grantee_id: viewer, permission: 'view' });
      const before = await seed.revision(ws);
      const answers = await Promise.all([
        share(r.id, claims(owner), { grantee_type: 'user', grantee_id: editor, permission: 'edit' }, 'billing'),
        unshare(r.id, { grantee_type: 'user', grantee_id: viewer }, 'billing'),
        setVisibility(r.id, 'private', 'billing'),
        acl(r.resourceId, 'billing'),
        deregister(r.resourceId, 'billing'),
        acl(r.resourceId, 'billing', 'billing'),
      ]);
      expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 404]);
      const got = await acl(r.resourceId);
      expect(got.body).toMatchObject({ visibility: 'workspace', shares: [{ grantee_id: viewer, permission: 'view' }] });
      expect(await seed.revision(ws)).toBe(before);
    });
  });
});
