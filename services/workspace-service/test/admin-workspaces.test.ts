import request from 'supertest';
import { activityFor, appWithoutTokenService, asAdmin, seedAdmin } from './admin-support';
import { accessRevision, activityActions, as, seedUser, seedWorkspace, startStack, unique, type SeededUser, type Stack } from './support';

describe('admin workspaces', () => {
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
  const roleOf = async (workspaceId: string, userId: string) =>
    (await prisma().workspaceMembership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } }))?.role;

  describe('GET /admin/workspaces and /admin/workspaces/all', () => {
    it('when searching, then name or slug match in any case (wildcards literally), newest first, with counts', async () => {
      const tag = unique();
      const make = (slug: string, name: string, secondsAgo: number) =>
        prisma().workspace.create({ data: { slug, name, createdAt: new Date(Date.now() - secondsAgo * 1000) } });
      const byName = await make(`a-${tag}`, `Alpha_${tag}`, 2);
      const bySlug = await make(`b-${tag}-x`, 'Beta 100%', 1);
      await prisma().workspaceMembership.create({ data: { workspaceId: bySlug.id, userId: (await seedUser(prisma())).id, role: 'owner' } });
      await prisma().group.create({ data: { workspaceId: bySlug.id, name: 'G' } });

      const res = await request(s.app).get('/admin/workspaces').query({ search: tag.toUpperCase() }).set(asAdmin(admin));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            id: bySlug.id,
            slug: bySlug.slug,
            name: 'Beta 100%',
            description: null,
            created_by: null,
            created_at: expect.any(String),
            member_count: 1,
            group_count: 1,
          },
          expect.objectContaining({ id: byName.id, member_count: 0, group_count: 0 }),
        ],
        total: 2,
        page: 1,
        page_size: 20,
      });
      const ids = async (search: string) =>
        ((await request(s.app).get('/admin/workspaces').query({ search }).set(asAdmin(admin))).body.items as Array<{ id: string }>).map((w) => w.id);
      expect(await ids('%')).toEqual([bySlug.id]);
      expect(await ids(`_${tag}`)).toEqual([byName.id]);
      const paged = await request(s.app).get('/admin/workspaces').query({ search: tag, page: 2, page_size: 1 }).set(asAdmin(admin));
      expect(paged.body).toMatchObject({ items: [{ id: byName.id }], total: 2, page: 2, page_size: 1 });

      const all = await request(s.app).get('/admin/workspaces/all').set(asAdmin(admin));
      expect(all.status).toBe(200);
      expect(all.body).toContainEqual({ id: bySlug.id, name: 'Beta 100%', slug: bySlug.slug });
      expect(all.body).toHaveLength(await prisma().workspace.count());
    });

    it.each([{ page: 0 }, { page_size: 101 }, { page_size: 'x' }])('when the query is %j, then 422', async (query) => {
      expect((await request(s.app).get('/admin/workspaces').query(query).set(asAdmin(admin))).status).toBe(422);
    });
  });

  describe('POST /admin/workspaces', () => {
    it('when created, then 201 with counts, the admin is creator and owner, HTML is stripped, and it is logged', async () => {
      const slug = `new-${unique()}`;
      const res = await request(s.app).post('/admin/workspaces').set(asAdmin(admin)).send({ name: '<b>Acme</b>', slug, description: 'Our <i>team</i>' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        slug,
        name: 'Acme',
        description: 'Our team',
        created_by: admin.id,
        created_at: expect.any(String),
        member_count: 1,
        group_count: 0,
      });
      expect(await roleOf(res.body.id, admin.id)).toBe('owner');
      expect(await activityFor(prisma(), res.body.id)).toEqual([expect.objectContaining({ action: 'workspace_created', actorId: admin.id })]);
    });

    it('when the slug is taken, even by a concurrent request, then 409; a bad slug or name is 422', async () => {
      const slug = `dup-${unique()}`;
      const create = (body: object) => request(s.app).post('/admin/workspaces').set(asAdmin(admin)).send(body);
      const results = await Promise.all([create({ name: 'One', slug }), create({ name: 'Two', slug })]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await create({ name: 'Three', slug })).toMatchObject({ status: 409, body: { detail: 'A workspace with this slug already exists' } });
      for (const body of [{ name: 'X', slug: 'Bad Slug' }, { name: 'X', slug: '-x' }, { name: '', slug: `ok-${unique()}` }, { slug: `ok-${unique()}` }]) {
        expect({ body, status: (await create(body)).status }).toEqual({ body, status: 422 });
      }
      expect(await prisma().workspace.count({ where: { slug } })).toBe(1);
    });
  });

  describe('GET, PATCH, DELETE /admin/workspaces/{id}', () => {
    it('when read or updated, then the workspace with counts; the update is logged with the admin as actor', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'viewer']);
      const got = await request(s.app).get(`/admin/workspaces/${w.id}`).set(asAdmin(admin));
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: w.id, slug: w.slug, member_count: 2, group_count: 0 });

      const res = await request(s.app).patch(`/admin/workspaces/${w.id}`).set(asAdmin(admin)).send({ name: 'Renamed <script>x</script>', description: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: w.id, name: 'Renamed', description: null, member_count: 2 });
      expect(await activityFor(prisma(), w.id)).toEqual([expect.objectContaining({ action: 'workspace_updated', actorId: admin.id })]);
    });

    it('when the workspace is unknown or the input invalid, then 404 or 422', async () => {
      const w = await seedWorkspace(prisma(), ['owner']);
      expect((await request(s.app).get(`/admin/workspaces/${missing}`).set(asAdmin(admin))).status).toBe(404);
      expect((await request(s.app).get('/admin/workspaces/nope').set(asAdmin(admin))).status).toBe(422);
      expect((await request(s.app).patch(`/admin/workspaces/${missing}`).set(asAdmin(admin)).send({ name: 'X' })).status).toBe(404);
      expect((await request(s.app).patch(`/admin/workspaces/${w.id}`).set(asAdmin(admin)).send({ name: '' })).status).toBe(422);
      expect((await request(s.app).delete(`/admin/workspaces/${missing}`).set(asAdmin(admin))).status).toBe(404);
      expect(await activityActions(prisma(), w.id)).toEqual([]);
    });

    it("when deleted, then 204, everything cascades, every member's sessions end, and it is logged", async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      await prisma().group.create({ data: { workspaceId: w.id, name: 'G' } });
      const sessions = [await s.login(w.members[0]!.id, w.id), await s.login(w.members[1]!.id, w.id)];

      const res = await request(s.app).delete(`/admin/workspaces/${w.id}`).set(asAdmin(admin));

      expect(res.status).toBe(204);
      expect(await prisma().workspace.count({ where: { id: w.id } })).toBe(0);
      expect(await prisma().workspaceMembership.count({ where: { workspaceId: w.id } })).toBe(0);
      expect(await prisma().group.count({ where: { workspaceId: w.id } })).toBe(0);
      for (const session of sessions) expect(await s.isActive(session.access_token)).toBe(false);
      expect(await activityFor(prisma(), w.id)).toEqual([expect.objectContaining({ action: 'workspace_deleted', actorId: admin.id, workspaceId: w.id })]);
    });

    it('when token-service is down, then deletion answers 503 and nothing is deleted', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      expect((await request(appWithoutTokenService(s)).delete(`/admin/workspaces/${w.id}`).set(asAdmin(admin))).status).toBe(503);
      expect(await prisma().workspaceMembership.count({ where: { workspaceId: w.id } })).toBe(2);
      expect(await activityActions(prisma(), w.id)).toEqual([]);
    });
  });

  describe('members', () => {
    it('when listed, then every member; an unknown workspace is 404', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'viewer']);
      const res = await request(s.app).get(`/admin/workspaces/${w.id}/members`).set(asAdmin(admin));
      expect(res.status).toBe(200);
      expect((res.body as Array<{ user_id: string; role: string }>).map((m) => [m.user_id, m.role])).toEqual(w.members.map((m) => [m.id, m.role]));
      expect((await request(s.app).get(`/admin/workspaces/${missing}/members`).set(asAdmin(admin))).status).toBe(404);
      expect((await request(s.app).get(`/admin/workspaces/${w.id}/members?limit=0`).set(asAdmin(admin))).status).toBe(422);
    });

    it('when inviting, then an existing user is added (an owner too: the admin acts as owner), an unknown email gets an invitation', async () => {
      const w = await seedWorkspace(prisma(), ['owner']);
      const user = await seedUser(prisma());
      const invite = (body: object) => request(s.app).post(`/admin/workspaces/${w.id}/members/invite`).set(asAdmin(admin)).send(body);

      const added = await invite({ email: user.email.toUpperCase(), role: 'owner' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ user_id: user.id, role: 'owner' });
      const pending = await invite({ email: `Someone-${unique()}@Example.com` });
      expect(pending.status).toBe(201);
      expect(pending.body).toMatchObject({ status: 'pending', role: 'viewer', email: expect.stringMatching(/^someone-.*@example\.com$/) });
      expect((await invite({ email: user.email })).status).toBe(409);
      expect((await invite({ email: 'not-an-email' })).status).toBe(422);
      expect((await request(s.app).post(`/admin/workspaces/${missing}/members/invite`).set(asAdmin(admin)).send({ email: user.email })).status).toBe(404);
      const log = await prisma().activityLog.findMany({ where: { workspaceId: w.id, action: 'member_invited' } });
      expect(log.map((e) => e.actorId)).toEqual([admin.id, admin.id]);
    });

    it("when a role changes, then the revision is bumped, the member's sessions end and the admin is the logged actor; owners can be changed", async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'owner', 'editor']);
      const [owner, , editor] = w.members;
      const session = await s.login(editor!.id, w.id);
      const patch = (userId: string, role: string) => request(s.app).patch(`/admin/workspaces/${w.id}/members/${userId}`).set(asAdmin(admin)).send({ role });

      const res = await patch(editor!.id, 'viewer');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user_id: editor!.id, role: 'viewer' });
      expect(await accessRevision(prisma(), w.id)).toBe(1n);
      expect(await s.isActive(session.access_token)).toBe(false);
      expect(await activityFor(prisma(), editor!.id)).toContainEqual(expect.objectContaining({ action: 'member_role_changed', actorId: admin.id }));

      expect((await patch(owner!.id, 'admin')).status).toBe(200);
      expect(await patch(w.members[1]!.id, 'admin')).toMatchObject({ status: 409, body: { detail: 'The last owner cannot be demoted' } });
      expect((await patch(missing, 'viewer')).status).toBe(404);
      expect((await patch(editor!.id, 'boss')).status).toBe(422);
    });

    it('when an admin and an owner demote the two owners at the same moment, then one succeeds and the other gets 409', async () => {
      for (let round = 0; round < 3; round += 1) {
        const w = await seedWorkspace(prisma(), ['owner', 'owner']);
        const [a, b] = w.members;
        const results = await Promise.all([
          request(s.app).patch(`/admin/workspaces/${w.id}/members/${a!.id}`).set(asAdmin(admin)).send({ role: 'admin' }),
          request(s.app).patch(`/workspaces/${w.id}/members/${b!.id}`).set(as(a!, w, 'owner')).send({ role: 'admin' }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        expect(await prisma().workspaceMembership.count({ where: { workspaceId: w.id, role: 'owner' } })).toBe(1);
      }
    });

    it('when a member is removed, then 204 and sessions end; the last owner cannot be removed; unknown is 404', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      const session = await s.login(w.members[1]!.id, w.id);
      const remove = (userId: string) => request(s.app).delete(`/admin/workspaces/${w.id}/members/${userId}`).set(asAdmin(admin));
      expect((await remove(w.members[1]!.id)).status).toBe(204);
      expect(await s.isActive(session.access_token)).toBe(false);
      expect(await remove(w.members[0]!.id)).toMatchObject({ status: 409, body: { detail: 'The last owner cannot be removed' } });
      expect((await remove(w.members[1]!.id)).status).toBe(404);
      expect(await activityActions(prisma(), w.id)).toEqual(['member_removed']);
    });

    it('when token-service is down, then a role change or removal answers 503 and nothing changes', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      const app = appWithoutTokenService(s);
      const editor = w.members[1]!.id;
      expect((await request(app).patch(`/admin/workspaces/${w.id}/members/${editor}`).set(asAdmin(admin)).send({ role: 'viewer' })).status).toBe(503);
      expect((await request(app).delete(`/admin/workspaces/${w.id}/members/${editor}`).set(asAdmin(admin))).status).toBe(503);
      expect(await roleOf(w.id, editor)).toBe('editor');
      expect(await accessRevision(prisma(), w.id)).toBe(0n);
      expect(await activityActions(prisma(), w.id)).toEqual([]);
    });
  });

  describe('groups', () => {
    it('when a group is created, then 201, listed and logged with the admin as creator; duplicates 409, bad input 422, unknown workspace 404', async () => {
      const w = await seedWorkspace(prisma(), ['owner']);
      const create = (body: object, id = w.id) => request(s.app).post(`/admin/workspaces/${id}/groups`).set(asAdmin(admin)).send(body);
      const res = await create({ name: '<b>Ops</b>', description: 'On call' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), workspace_id: w.id, name: 'Ops', description: 'On call', created_by: admin.id, created_at: expect.any(String) });
      const list = await request(s.app).get(`/admin/workspaces/${w.id}/groups`).set(asAdmin(admin));
      expect(list.body).toEqual([res.body]);
      expect(await create({ name: 'Ops' })).toMatchObject({ status: 409, body: { detail: 'A group with this name already exists in this workspace' } });
      expect((await create({ name: '' })).status).toBe(422);
      expect((await create({ name: 'X' }, missing)).status).toBe(404);
      expect((await request(s.app).get(`/admin/workspaces/${missing}/groups`).set(asAdmin(admin))).status).toBe(404);
      expect(await activityActions(prisma(), w.id)).toEqual(['group_created']);
    });
  });
});
