import { identityHeader, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { activityActions, as, asRole, seedUser, seedWorkspace, unique } from './support';

describe('/workspaces', () => {
  const t = useServiceApp(loadConfig, createApp);
  const prisma = () => t.ctx.deps.prisma;
  const caller = (id: string) => identityHeader({ user: testUser({ user_id: id }) });

  describe('POST /workspaces', () => {
    it('when the slug is free, then 201, the caller is its owner and the creation is logged', async () => {
      const user = await seedUser(prisma());
      const slug = `team-${unique()}`;
      const res = await request(t.app)
        .post('/workspaces')
        .set(caller(user.id))
        .send({ name: '<b>Team</b> One', slug, description: '<i>Ours</i>' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        slug,
        name: 'Team One',
        description: 'Ours',
        created_by: user.id,
        created_at: expect.any(String),
      });
      const membership = await prisma().workspaceMembership.findFirstOrThrow({ where: { workspaceId: res.body.id } });
      expect(membership).toMatchObject({ userId: user.id, role: 'owner' });
      expect(await activityActions(prisma(), res.body.id)).toEqual(['workspace_created']);
    });

    it('when the slug is taken, then 409 and nothing is created', async () => {
      const user = await seedUser(prisma());
      const existing = await seedWorkspace(prisma());
      const res = await request(t.app).post('/workspaces').set(caller(user.id)).send({ name: 'Copy', slug: existing.slug });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ detail: 'A workspace with this slug already exists' });
      expect(await prisma().workspaceMembership.count({ where: { userId: user.id } })).toBe(0);
    });

    it('when two creates race for one slug, then one is 201 and the other 409', async () => {
      const [a, b] = [await seedUser(prisma()), await seedUser(prisma())];
      const slug = `race-${unique()}`;
      const results = await Promise.all(
        [a, b].map((u) => request(t.app).post('/workspaces').set(caller(u.id)).send({ name: 'Race', slug })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await prisma().workspace.count({ where: { slug } })).toBe(1);
      expect(await prisma().activityLog.count({ where: { action: 'workspace_created', detail: { path: ['slug'], equals: slug } } })).toBe(1);
    });

    it.each([
      ['an upper-case slug', { name: 'X', slug: 'Team' }],
      ['a slug ending in a dash', { name: 'X', slug: 'team-' }],
      ['a one-character slug', { name: 'X', slug: 'a' }],
      ['a slug with a space', { name: 'X', slug: 'my team' }],
      ['a slug over 100 characters', { name: 'X', slug: 'a'.repeat(101) }],
      ['no name', { slug: 'ok-slug' }],
      ['a name of HTML only', { name: '<br>', slug: 'ok-slug' }],
      ['a name over 255 characters', { name: 'n'.repeat(256), slug: 'ok-slug' }],
      ['no body', undefined],
    ])('when the body has %s, then 422', async (_label, body) => {
      const user = await seedUser(prisma());
      const res = await request(t.app).post('/workspaces').set(caller(user.id)).send(body);
      expect(res.status).toBe(422);
    });
  });

  it('when the caller no longer exists, then creating a workspace is 404, not a foreign-key 500', async () => {
    const res = await request(t.app).post('/workspaces').set(caller('00000000-0000-4000-8000-00000000dead')).send({ name: 'X', slug: `ghost-${unique()}` });
    expect(res.status).toBe(404);
  });

  it.each(['/workspaces/%/members', '/workspaces/%E0%A4%A', '/workspaces/x/groups/%zz/members'])(
    'when the path %s has a broken percent-encoding, then 400, not 500',
    async (path) => {
      const user = await seedUser(prisma());
      expect((await request(t.app).get(path).set(caller(user.id))).status).toBe(400);
    },
  );

  it('when an admin token outlives a demotion to editor, then admin actions are 403 (the current role decides)', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'editor']);
    const stale = as(w.members[1]!, w, 'admin');
    expect((await request(t.app).patch(`/workspaces/${w.id}`).set(stale).send({ name: 'Nope' })).status).toBe(403);
    expect((await request(t.app).post(`/workspaces/${w.id}/groups`).set(stale).send({ name: 'Nope' })).status).toBe(403);
    expect((await request(t.app).post(`/workspaces/${w.id}/members/invite`).set(stale).send({ email: 'n@example.com' })).status).toBe(403);
    expect(await activityActions(prisma(), w.id)).toEqual([]);
  });

  it('GET /workspaces: when the caller belongs to two workspaces, then exactly those, oldest first', async () => {
    const user = await seedUser(prisma());
    const first = await seedWorkspace(prisma());
    const second = await seedWorkspace(prisma());
    await seedWorkspace(prisma()); // not theirs
    for (const w of [first, second]) await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: user.id, role: 'viewer' } });
    const res = await request(t.app).get('/workspaces').set(caller(user.id));
    expect(res.status).toBe(200);
    expect((res.body as Array<{ id: string }>).map((w) => w.id)).toEqual([first.id, second.id]);
    expect(Object.keys(res.body[0]).sort()).toEqual(['created_at', 'created_by', 'description', 'id', 'name', 'slug']);
  });

  describe('GET/PATCH /workspaces/{id}', () => {
    it('when a viewer reads their workspace, then it is returned', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'viewer']);
      const res = await request(t.app).get(`/workspaces/${w.id}`).set(asRole(w, 'viewer'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: w.id, slug: w.slug });
    });

    it('when the workspace of the token no longer exists, then 404', async () => {
      const user = await seedUser(prisma());
      const gone = { id: '00000000-0000-4000-8000-000000000001' };
      expect((await request(t.app).get(`/workspaces/${gone.id}`).set(as(user, gone, 'owner'))).status).toBe(404);
      expect((await request(t.app).patch(`/workspaces/${gone.id}`).set(as(user, gone, 'owner')).send({ name: 'x' })).status).toBe(404);
    });

    it('when an admin renames it, then the name is stored with HTML stripped and logged; the slug cannot change', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'admin']);
      const res = await request(t.app)
        .patch(`/workspaces/${w.id}`)
        .set(asRole(w, 'admin'))
        .send({ name: 'New <em>name</em>', description: null, slug: 'ignored-slug' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: w.id, slug: w.slug, name: 'New name', description: null });
      expect(await activityActions(prisma(), w.id)).toEqual(['workspace_updated']);
    });

    it('when an editor tries to rename it, then 403 and nothing changes', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor']);
      const res = await request(t.app).patch(`/workspaces/${w.id}`).set(asRole(w, 'editor')).send({ name: 'Nope' });
      expect(res.status).toBe(403);
      expect((await prisma().workspace.findUniqueOrThrow({ where: { id: w.id } })).name).toBe(`Workspace ${w.slug}`);
    });

    it('when PATCH sends an invalid name, then 422', async () => {
      const w = await seedWorkspace(prisma(), ['owner']);
      expect((await request(t.app).patch(`/workspaces/${w.id}`).set(asRole(w, 'owner')).send({ name: 7 })).status).toBe(422);
    });
  });

  it('DELETE /workspaces/{id}: when an admin (not owner) tries, then 403 and the workspace stays', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin']);
    expect((await request(t.app).delete(`/workspaces/${w.id}`).set(asRole(w, 'admin'))).status).toBe(403);
    expect(await prisma().workspace.count({ where: { id: w.id } })).toBe(1);
  });
});
