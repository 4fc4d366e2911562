import request from 'supertest';
import { accessRevision, activityActions, as, asRole, seedUser, seedWorkspace, startStack, type Stack } from './support';

describe('members', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.close();
  });
  const prisma = () => s.ctx.deps.prisma;

  describe('GET /workspaces/{id}/members', () => {
    it('when a viewer lists them, then every member with their role, oldest first', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor', 'viewer']);
      const res = await request(s.app).get(`/workspaces/${w.id}/members`).set(asRole(w, 'viewer'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        w.members.map((m) => ({ user_id: m.id, email: m.email, name: m.name, avatar_url: null, role: m.role, joined_at: expect.any(String) })),
      );
    });

    it('when searching with q, then email or name match in any case, and % and _ match only themselves', async () => {
      const w = await seedWorkspace(prisma(), ['owner']);
      const add = async (email: string, name: string) => {
        const u = await prisma().user.create({ data: { email, name } });
        await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: u.id, role: 'viewer' } });
        return u;
      };
      const alice = await add(`alice.${w.slug}@example.com`, 'Alice Smith');
      const percent = await add(`p.${w.slug}@example.com`, '100% Bob');
      const under = await add(`under_score.${w.slug}@example.com`, 'Carol');
      const search = async (q: string, limit?: number) => {
        const res = await request(s.app)
          .get(`/workspaces/${w.id}/members`)
          .query(limit === undefined ? { q } : { q, limit })
          .set(asRole(w, 'owner'));
        expect(res.status).toBe(200);
        return (res.body as Array<{ user_id: string }>).map((m) => m.user_id);
      };
      expect(await search('ALICE')).toEqual([alice.id]);
      expect(await search('smith')).toEqual([alice.id]);
      expect(await search('%')).toEqual([percent.id]);
      expect(await search('_')).toEqual([under.id]);
      expect(await search('\\')).toEqual([]);
      expect(await search(w.slug)).toHaveLength(3);
      expect(await search(w.slug, 2)).toEqual([alice.id, percent.id]);
    });

    it.each(['0', '1001', 'ten'])('when limit is %s, then 422', async (limit) => {
      const w = await seedWorkspace(prisma(), ['owner']);
      expect((await request(s.app).get(`/workspaces/${w.id}/members?limit=${limit}`).set(asRole(w, 'owner'))).status).toBe(422);
    });
  });

  describe('PATCH /workspaces/{id}/members/{user_id}', () => {
    it('when an admin changes an editor to viewer, then the member is returned, the revision bumped, the change logged and their sessions revoked', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'admin', 'editor']);
      const editor = w.members[2]!;
      const session = await s.login(editor.id, w.id);
      const other = await seedWorkspace(prisma(), ['owner']);
      await prisma().workspaceMembership.create({ data: { workspaceId: other.id, userId: editor.id, role: 'viewer' } });
      const elsewhere = await s.login(editor.id, other.id);
      expect(await s.isActive(session.access_token)).toBe(true);
      const before = await accessRevision(prisma(), w.id);

      const res = await request(s.app).patch(`/workspaces/${w.id}/members/${editor.id}`).set(asRole(w, 'admin')).send({ role: 'viewer' });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user_id: editor.id, email: editor.email, name: editor.name, avatar_url: null, role: 'viewer', joined_at: expect.any(String) });
      expect(await accessRevision(prisma(), w.id)).toBe(before + 1n);
      expect(await activityActions(prisma(), w.id)).toEqual(['member_role_changed']);
      expect(await s.isActive(session.access_token)).toBe(false);
      expect(await s.isActive(elsewhere.access_token)).toBe(false); // "a user's sessions": every workspace
      const families = await prisma().refreshTokenFamily.findMany({ where: { userId: editor.id } });
      expect(families.every((f) => f.revokedAt !== null)).toBe(true);
    });

    it('when the role does not change, then nothing is bumped, logged or revoked', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      const session = await s.login(w.members[1]!.id, w.id);
      const res = await request(s.app).patch(`/workspaces/${w.id}/members/${w.members[1]!.id}`).set(asRole(w, 'owner')).send({ role: 'editor' });
      expect(res.status).toBe(200);
      expect(await accessRevision(prisma(), w.id)).toBe(0n);
      expect(await activityActions(prisma(), w.id)).toEqual([]);
      expect(await s.isActive(session.access_token)).toBe(true);
    });

    it('when an admin grants owner or changes an owner, then 403; an owner may do both', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'admin', 'editor']);
      const [owner, , editor] = w.members;
      const patch = (who: Record<string, string>, target: string, role: string) =>
        request(s.app).patch(`/workspaces/${w.id}/members/${target}`).set(who).send({ role });
      expect((await patch(asRole(w, 'admin'), editor!.id, 'owner')).status).toBe(403);
      expect((await patch(asRole(w, 'admin'), owner!.id, 'admin')).status).toBe(403);
      expect((await patch(asRole(w, 'owner'), editor!.id, 'owner')).status).toBe(200);
      expect((await patch(asRole(w, 'owner'), editor!.id, 'admin')).status).toBe(200);
    });

    it('when the last owner is demoted, then 409 and they stay owner', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'admin']);
      const owner = w.members[0]!;
      const res = await request(s.app).patch(`/workspaces/${w.id}/members/${owner.id}`).set(asRole(w, 'owner')).send({ role: 'admin' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ detail: 'The last owner cannot be demoted' });
      expect((await prisma().workspaceMembership.findFirstOrThrow({ where: { workspaceId: w.id, userId: owner.id } })).role).toBe('owner');
      expect(await accessRevision(prisma(), w.id)).toBe(0n);
    });

    it('when two owners demote each other at the same moment, then one succeeds and the other gets 409', async () => {
      for (let round = 0; round < 3; round += 1) {
        const w = await seedWorkspace(prisma(), ['owner', 'owner']);
        const [a, b] = w.members as [(typeof w.members)[0], (typeof w.members)[0]];
        const results = await Promise.all([
          request(s.app).patch(`/workspaces/${w.id}/members/${b.id}`).set(as(a, w, 'owner')).send({ role: 'admin' }),
          request(s.app).patch(`/workspaces/${w.id}/members/${a.id}`).set(as(b, w, 'owner')).send({ role: 'admin' }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        const owners = await prisma().workspaceMembership.count({ where: { workspaceId: w.id, role: 'owner' } });
        expect(owners).toBe(1);
        expect(await activityActions(prisma(), w.id)).toEqual(['member_role_changed']);
      }
    });

    it('when the member or the body is wrong, then 404 or 422', async () => {
      const w = await seedWorkspace(prisma(), ['owner']);
      const outsider = await seedUser(prisma());
      const patch = (target: string, body: unknown) => request(s.app).patch(`/workspaces/${w.id}/members/${target}`).set(asRole(w, 'owner')).send(body as object);
      expect((await patch(outsider.id, { role: 'viewer' })).status).toBe(404);
      expect((await patch('not-a-uuid', { role: 'viewer' })).status).toBe(422);
      expect((await patch(outsider.id, { role: 'superuser' })).status).toBe(422);
      expect((await patch(outsider.id, {})).status).toBe(422);
    });
  });

  describe('DELETE /workspaces/{id}/members/{user_id}', () => {
    it('when an admin removes an editor, then 204, out of the workspace and its groups, revision bumped, logged, sessions revoked', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'admin', 'editor']);
      const editor = w.members[2]!;
      const group = await prisma().group.create({ data: { workspaceId: w.id, name: 'Team' } });
      await prisma().groupMembership.create({ data: { groupId: group.id, userId: editor.id } });
      const session = await s.login(editor.id, w.id);

      const res = await request(s.app).delete(`/workspaces/${w.id}/members/${editor.id}`).set(asRole(w, 'admin'));

      expect(res.status).toBe(204);
      expect(await prisma().workspaceMembership.count({ where: { workspaceId: w.id, userId: editor.id } })).toBe(0);
      expect(await prisma().groupMembership.count({ where: { userId: editor.id } })).toBe(0);
      expect(await accessRevision(prisma(), w.id)).toBe(1n);
      expect(await activityActions(prisma(), w.id)).toEqual(['member_removed']);
      expect(await s.isActive(session.access_token)).toBe(false);
      expect((await request(s.app).delete(`/workspaces/${w.id}/members/${editor.id}`).set(asRole(w, 'admin'))).status).toBe(404);
    });

    it('when the last owner is removed (even by themselves), then 409; an admin cannot remove an owner', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'admin']);
      const owner = w.members[0]!;
      expect((await request(s.app).delete(`/workspaces/${w.id}/members/${owner.id}`).set(asRole(w, 'owner'))).status).toBe(409);
      await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: (await seedUser(prisma())).id, role: 'owner' } });
      expect((await request(s.app).delete(`/workspaces/${w.id}/members/${owner.id}`).set(asRole(w, 'admin'))).status).toBe(403);
      expect((await request(s.app).delete(`/workspaces/${w.id}/members/${owner.id}`).set(asRole(w, 'owner'))).status).toBe(204);
    });
  });

  describe('DELETE /workspaces/{id}', () => {
    it("when the owner deletes it, then 204, everything in it cascades, every member's live tokens die and the deletion is logged", async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      const [owner, editor] = w.members;
      const group = await prisma().group.create({ data: { workspaceId: w.id, name: 'G' } });
      await prisma().groupMembership.create({ data: { groupId: group.id, userId: editor!.id } });
      await prisma().invitation.create({ data: { workspaceId: w.id, email: 'pending@example.com', role: 'viewer', expiresAt: new Date(Date.now() + 60_000) } });
      const sessions = [await s.login(owner!.id, w.id), await s.login(editor!.id, w.id)];

      const res = await request(s.app).delete(`/workspaces/${w.id}`).set(asRole(w, 'owner'));

      expect(res.status).toBe(204);
      expect(await prisma().workspace.count({ where: { id: w.id } })).toBe(0);
      expect(await prisma().workspaceMembership.count({ where: { workspaceId: w.id } })).toBe(0);
      expect(await prisma().group.count({ where: { workspaceId: w.id } })).toBe(0);
      expect(await prisma().invitation.count({ where: { workspaceId: w.id } })).toBe(0);
      for (const session of sessions) {
        expect(await s.isActive(session.access_token)).toBe(false);
        expect(await s.isActive(session.refresh_token)).toBe(false);
      }
      const log = await prisma().activityLog.findMany({ where: { action: 'workspace_deleted', targetId: w.id } });
      expect(log).toEqual([expect.objectContaining({ actorId: owner!.id, workspaceId: w.id })]);
      expect((await request(s.app).get(`/workspaces/${w.id}`).set(asRole(w, 'owner'))).status).toBe(404);
    });

    it('when the token says owner but the caller is no longer one, then 403 and nothing is deleted', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'admin']);
      const res = await request(s.app).delete(`/workspaces/${w.id}`).set(as(w.members[1]!, w, 'owner'));
      expect(res.status).toBe(403);
      expect(await prisma().workspace.count({ where: { id: w.id } })).toBe(1);
    });
  });

  it('when changes race with the deletion of their workspace, then none of them deadlocks or answers 5xx', async () => {
    for (let round = 0; round < 3; round += 1) {
      const w = await seedWorkspace(prisma(), ['owner', 'editor', 'editor', 'viewer']);
      const [, e1, e2, v] = w.members;
      const group = await prisma().group.create({ data: { workspaceId: w.id, name: 'G' } });
      await prisma().groupMembership.create({ data: { groupId: group.id, userId: e2!.id } });
      const owner = asRole(w, 'owner');
      const base = `/workspaces/${w.id}`;
      const results = await Promise.all([
        request(s.app).patch(`${base}/members/${e1!.id}`).set(owner).send({ role: 'admin' }),
        request(s.app).post(`${base}/groups/${group.id}/members/${v!.id}`).set(owner),
        request(s.app).delete(`${base}/groups/${group.id}/members/${e2!.id}`).set(owner),
        request(s.app).delete(`${base}/members/${e2!.id}`).set(owner),
        request(s.app).post(`${base}/groups`).set(owner).send({ name: 'New' }),
        request(s.app).patch(`${base}`).set(owner).send({ name: 'Renamed' }),
        request(s.app).delete(base).set(owner),
      ]);
      for (const r of results) expect([200, 201, 204, 403, 404]).toContain(r.status);
      expect(results[6].status).toBe(204);
    }
  });

  describe('when token-service is down', () => {
    it('then a role change fails with 503 before commit: role, revision and log are unchanged', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      const { createApp } = await import('../src/app');
      const { loadConfig } = await import('../src/config');
      const app = createApp({ ...s.ctx.deps, config: loadConfig({ ...s.ctx.env, TOKEN_SERVICE_URL: 'http://127.0.0.1:9' }) });
      const res = await request(app).patch(`/workspaces/${w.id}/members/${w.members[1]!.id}`).set(asRole(w, 'owner')).send({ role: 'viewer' });
      expect(res.status).toBe(503);
      expect((await prisma().workspaceMembership.findFirstOrThrow({ where: { workspaceId: w.id, userId: w.members[1]!.id } })).role).toBe('editor');
      expect(await accessRevision(prisma(), w.id)).toBe(0n);
      expect(await activityActions(prisma(), w.id)).toEqual([]);
    });

    it('then removing a member or deleting the workspace fails with 503 and changes nothing', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      const { createApp } = await import('../src/app');
      const { loadConfig } = await import('../src/config');
      const app = createApp({ ...s.ctx.deps, config: loadConfig({ ...s.ctx.env, TOKEN_SERVICE_URL: 'http://127.0.0.1:9' }) });
      expect((await request(app).delete(`/workspaces/${w.id}/members/${w.members[1]!.id}`).set(asRole(w, 'owner'))).status).toBe(503);
      expect((await request(app).delete(`/workspaces/${w.id}`).set(asRole(w, 'owner'))).status).toBe(503);
      expect(await prisma().workspaceMembership.count({ where: { workspaceId: w.id } })).toBe(2);
      expect(await accessRevision(prisma(), w.id)).toBe(0n);
      expect(await activityActions(prisma(), w.id)).toEqual([]);
    });
  });
});
