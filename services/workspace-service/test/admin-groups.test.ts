import request from 'supertest';
import { activityFor, appWithoutTokenService, asAdmin, seedAdmin } from './admin-support';
import { accessRevision, activityActions, seedUser, seedWorkspace, startStack, type SeededUser, type Stack } from './support';

describe('admin groups', () => {
  let s: Stack;
  let admin: SeededUser;
  beforeAll(async () => {
    s = await startStack();
    admin = await seedAdmin(s.ctx.deps.prisma);
  });
  afterAll(async () => {
    await s?.close();
  });
  const prisma = () => s.ctx.deps.prisma;
  const missing = '00000000-0000-4000-8000-000000000000';

  /** A workspace (owner, editor, viewer) with a group holding the editor. */
  async function seeded() {
    const w = await seedWorkspace(prisma(), ['owner', 'editor', 'viewer']);
    const group = await prisma().group.create({ data: { workspaceId: w.id, name: 'Team' } });
    await prisma().groupMembership.create({ data: { groupId: group.id, userId: w.members[1]!.id } });
    return { w, group, editor: w.members[1]!, viewer: w.members[2]! };
  }

  describe('PATCH /admin/groups/{id}', () => {
    it('when renamed, then the group with HTML stripped, logged with the admin as actor; a taken name is 409', async () => {
      const { w, group } = await seeded();
      await prisma().group.create({ data: { workspaceId: w.id, name: 'Other' } });
      const patch = (body: object, id = group.id) => request(s.app).patch(`/admin/groups/${id}`).set(asAdmin(admin)).send(body);
      const res = await patch({ name: '<em>Core</em>', description: 'Core team' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: group.id, workspace_id: w.id, name: 'Core', description: 'Core team', created_by: null, created_at: expect.any(String) });
      expect(await activityFor(prisma(), group.id)).toEqual([expect.objectContaining({ action: 'group_updated', actorId: admin.id, workspaceId: w.id })]);
      expect((await patch({ name: 'Other' })).status).toBe(409);
      expect((await patch({ name: '' })).status).toBe(422);
      expect((await patch({ name: 'X' }, missing)).status).toBe(404);
      expect((await patch({ name: 'X' }, 'nope')).status).toBe(422);
    });
  });

  describe('DELETE /admin/groups/{id}', () => {
    it("when deleted, then 204, the revision is bumped, its members' sessions end and it is logged", async () => {
      const { w, group, editor } = await seeded();
      const session = await s.login(editor.id, w.id);
      expect((await request(s.app).delete(`/admin/groups/${group.id}`).set(asAdmin(admin))).status).toBe(204);
      expect(await prisma().group.count({ where: { id: group.id } })).toBe(0);
      expect(await accessRevision(prisma(), w.id)).toBe(1n);
      expect(await s.isActive(session.access_token)).toBe(false);
      expect(await activityActions(prisma(), w.id)).toEqual(['group_deleted']);
      expect((await request(s.app).delete(`/admin/groups/${group.id}`).set(asAdmin(admin))).status).toBe(404);
    });

    it('when token-service is down, then 503 and the group stays', async () => {
      const { w, group } = await seeded();
      expect((await request(appWithoutTokenService(s)).delete(`/admin/groups/${group.id}`).set(asAdmin(admin))).status).toBe(503);
      expect(await prisma().groupMembership.count({ where: { groupId: group.id } })).toBe(1);
      expect(await accessRevision(prisma(), w.id)).toBe(0n);
      expect(await activityActions(prisma(), w.id)).toEqual([]);
    });
  });

  describe('group members', () => {
    it('when listed, then [{user_id,email,name,added_at}]; an unknown group is 404', async () => {
      const { group, editor } = await seeded();
      const res = await request(s.app).get(`/admin/groups/${group.id}/members`).set(asAdmin(admin));
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ user_id: editor.id, email: editor.email, name: editor.name, added_at: expect.any(String) }]);
      expect((await request(s.app).get(`/admin/groups/${missing}/members`).set(asAdmin(admin))).status).toBe(404);
    });

    it('when a workspace member is added, then 201 {status:ok} and logged; outsiders 400, twice 409, unknown group 404', async () => {
      const { w, group, viewer } = await seeded();
      const add = (userId: string, groupId = group.id) => request(s.app).post(`/admin/groups/${groupId}/members/${userId}`).set(asAdmin(admin));
      const res = await add(viewer.id);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ status: 'ok' });
      expect(await prisma().groupMembership.count({ where: { groupId: group.id } })).toBe(2);
      const outsider = await seedUser(prisma());
      expect(await add(outsider.id)).toMatchObject({ status: 400, body: { detail: 'The user is not a member of this workspace' } });
      expect((await add(viewer.id)).status).toBe(409);
      expect((await add(viewer.id, missing)).status).toBe(404);
      expect((await add('nope')).status).toBe(422);
      const log = await prisma().activityLog.findMany({ where: { workspaceId: w.id, action: 'group_member_added' } });
      expect(log.map((e) => [e.actorId, e.detail])).toEqual([[admin.id, { user_id: viewer.id }]]);
    });

    it('when a member is removed, then 204, revision bumped, their sessions end; someone not in the group is 404', async () => {
      const { w, group, editor, viewer } = await seeded();
      const session = await s.login(editor.id, w.id);
      const remove = (userId: string) => request(s.app).delete(`/admin/groups/${group.id}/members/${userId}`).set(asAdmin(admin));
      expect((await remove(editor.id)).status).toBe(204);
      expect(await accessRevision(prisma(), w.id)).toBe(1n);
      expect(await s.isActive(session.access_token)).toBe(false);
      expect(await activityActions(prisma(), w.id)).toEqual(['group_member_removed']);
      expect((await remove(viewer.id)).status).toBe(404);
    });

    it('when token-service is down, then removal answers 503 and the member stays', async () => {
      const { w, group, editor } = await seeded();
      const res = await request(appWithoutTokenService(s)).delete(`/admin/groups/${group.id}/members/${editor.id}`).set(asAdmin(admin));
      expect(res.status).toBe(503);
      expect(await prisma().groupMembership.count({ where: { groupId: group.id } })).toBe(1);
      expect(await accessRevision(prisma(), w.id)).toBe(0n);
    });
  });
});
