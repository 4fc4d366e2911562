import request from 'supertest';
import { activityFor, appWithoutTokenService, asAdmin, seedAdmin } from './admin-support';
import { seedUser, seedWorkspace, startStack, unique, type SeededUser, type Stack } from './support';

describe('admin users', () => {
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
  const isActiveUser = async (id: string) => (await prisma().user.findUniqueOrThrow({ where: { id } })).isActive;
  const missing = '00000000-0000-4000-8000-000000000000';

  describe('GET /admin/users', () => {
    it('when searching, then email or name match in any case, newest first, paginated, with workspace_count', async () => {
      const tag = unique().replace('-', 'x');
      // Explicit creation times, a second apart: the order under test must not hang on the clock's resolution.
      const make = async (email: string, name: string, secondsAgo: number) =>
        prisma().user.create({ data: { email, name, createdAt: new Date(Date.now() - secondsAgo * 1000) } });
      const a = await make(`alice.${tag}@example.com`, 'Alice', 3);
      const b = await make(`bob@example.com.${tag}`, `Bob ${tag.toUpperCase()}`, 2);
      const c = await make(`carol.${tag}@example.com`, 'Carol', 1);
      const w = await seedWorkspace(prisma(), ['owner']);
      await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: c.id, role: 'viewer' } });

      const page1 = await request(s.app).get('/admin/users').query({ search: tag.toUpperCase(), page_size: 2 }).set(asAdmin(admin));
      expect(page1.status).toBe(200);
      expect(page1.body).toEqual({
        items: [
          { id: c.id, email: c.email, name: 'Carol', avatar_url: null, is_active: true, is_admin: false, created_at: expect.any(String), workspace_count: 1 },
          expect.objectContaining({ id: b.id, workspace_count: 0 }),
        ],
        total: 3,
        page: 1,
        page_size: 2,
      });
      const page2 = await request(s.app).get('/admin/users').query({ search: tag, page: 2, page_size: 2 }).set(asAdmin(admin));
      expect(page2.body).toMatchObject({ items: [{ id: a.id }], total: 3, page: 2, page_size: 2 });

      const all = await request(s.app).get('/admin/users').set(asAdmin(admin));
      expect(all.body).toMatchObject({ page: 1, page_size: 20 });
      expect(all.body.total).toBe(await prisma().user.count());
    });

    it('when the search is %, _ or \\, then it matches only those characters literally', async () => {
      const tag = unique();
      const percent = await prisma().user.create({ data: { email: `p-${tag}@example.com`, name: '100% sure' } });
      const under = await prisma().user.create({ data: { email: `under_score-${tag}@example.com`, name: 'Under' } });
      const slash = await prisma().user.create({ data: { email: `s-${tag}@example.com`, name: 'back\\slash' } });
      const ids = async (search: string) => {
        const res = await request(s.app).get('/admin/users').query({ search }).set(asAdmin(admin));
        expect(res.status).toBe(200);
        return (res.body.items as Array<{ id: string }>).map((u) => u.id);
      };
      expect(await ids('%')).toEqual([percent.id]);
      expect(await ids('_')).toEqual([under.id]);
      expect(await ids('\\')).toEqual([slash.id]);
      expect(await ids('0%')).toEqual([percent.id]);
    });

    it.each([
      ['page=0', { page: 0 }],
      ['page=x', { page: 'x' }],
      ['page_size=0', { page_size: 0 }],
      ['page_size=101', { page_size: 101 }],
      ['a 256-character search', { search: 'x'.repeat(256) }],
    ])('when the query has %s, then 422', async (_label, query) => {
      const res = await request(s.app).get('/admin/users').query(query).set(asAdmin(admin));
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual(expect.any(String));
    });
  });

  describe('GET /admin/users/{id}', () => {
    it('when the user exists, then the profile with linked accounts (never provider tokens) and memberships', async () => {
      const user = await seedUser(prisma());
      const account = await prisma().socialAccount.create({
        data: { userId: user.id, provider: 'github', providerUserId: `gh-${unique()}`, accessTokenEncrypted: 'secret-envelope' },
      });
      const w = await seedWorkspace(prisma(), ['owner']);
      await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: user.id, role: 'editor' } });

      const res = await request(s.app).get(`/admin/users/${user.id}`).set(asAdmin(admin));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: user.id,
        email: user.email,
        name: user.name,
        avatar_url: null,
        is_active: true,
        is_admin: false,
        created_at: expect.any(String),
        workspace_count: 1,
        social_accounts: [{ id: account.id, provider: 'github', provider_user_id: account.providerUserId }],
        memberships: [{ workspace_id: w.id, workspace_name: `Workspace ${w.slug}`, workspace_slug: w.slug, role: 'editor', joined_at: expect.any(String) }],
      });
      expect(JSON.stringify(res.body)).not.toContain('secret-envelope');
    });

    it('when the id is unknown or not a UUID, then 404 or 422', async () => {
      expect(await request(s.app).get(`/admin/users/${missing}`).set(asAdmin(admin))).toMatchObject({ status: 404, body: { detail: 'User not found' } });
      expect((await request(s.app).get('/admin/users/nope').set(asAdmin(admin))).status).toBe(422);
    });
  });

  describe('PATCH /admin/users/{id}', () => {
    it('when the name changes, then it is stored with HTML stripped and logged with the admin as actor; sessions live on', async () => {
      const user = await seedUser(prisma());
      const w = await seedWorkspace(prisma(), ['owner']);
      await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: user.id, role: 'viewer' } });
      const session = await s.login(user.id, w.id);
      const res = await request(s.app).patch(`/admin/users/${user.id}`).set(asAdmin(admin)).send({ name: '<i>New</i> name' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: user.id, name: 'New name', is_active: true, memberships: [{ workspace_id: w.id }] });
      expect(await activityFor(prisma(), user.id)).toEqual([
        expect.objectContaining({ action: 'user_updated', actorId: admin.id, detail: { changes: { name: { from: user.name, to: 'New name' } } } }),
      ]);
      expect(await s.isActive(session.access_token)).toBe(true);
    });

    it('when a user is deactivated, then every session is revoked, new tokens are refused, and it is logged', async () => {
      const user = await seedUser(prisma());
      const w = await seedWorkspace(prisma(), ['owner']);
      await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: user.id, role: 'editor' } });
      const session = await s.login(user.id, w.id);

      const res = await request(s.app).patch(`/admin/users/${user.id}`).set(asAdmin(admin)).send({ is_active: false });

      expect(res.status).toBe(200);
      expect(res.body.is_active).toBe(false);
      expect(await s.isActive(session.access_token)).toBe(false);
      expect(await s.isActive(session.refresh_token)).toBe(false);
      await expect(s.login(user.id, w.id)).rejects.toThrow(/answered 4\d\d/);
      const log = await activityFor(prisma(), user.id);
      expect(log).toContainEqual(expect.objectContaining({ action: 'user_updated', actorId: admin.id, detail: { changes: { is_active: { from: true, to: false } } } }));
      expect(log).toContainEqual(expect.objectContaining({ action: 'tokens_revoked', actorId: admin.id }));

      expect((await request(s.app).patch(`/admin/users/${user.id}`).set(asAdmin(admin)).send({ is_active: true })).body.is_active).toBe(true);
      expect((await s.login(user.id, w.id)).access_token).toEqual(expect.any(String));
    });

    it('when the admin flag is taken away, then the sessions are revoked; granting it revokes nothing', async () => {
      const user = await seedUser(prisma());
      const w = await seedWorkspace(prisma(), ['owner']);
      await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: user.id, role: 'viewer' } });
      const first = await s.login(user.id, w.id);
      expect((await request(s.app).patch(`/admin/users/${user.id}`).set(asAdmin(admin)).send({ is_admin: true })).body.is_admin).toBe(true);
      expect(await s.isActive(first.access_token)).toBe(true);
      const res = await request(s.app).patch(`/admin/users/${user.id}`).set(asAdmin(admin)).send({ is_admin: false });
      expect(res.status).toBe(200);
      expect(res.body.is_admin).toBe(false);
      expect(await s.isActive(first.access_token)).toBe(false);
    });

    it('when nothing changes, then nothing is logged or revoked', async () => {
      const user = await seedUser(prisma());
      const res = await request(s.app).patch(`/admin/users/${user.id}`).set(asAdmin(admin)).send({ is_active: true, name: user.name });
      expect(res.status).toBe(200);
      expect(await activityFor(prisma(), user.id)).toEqual([]);
    });

    it('when token-service is down, then deactivation answers 503 and nothing changes', async () => {
      const user = await seedUser(prisma());
      const res = await request(appWithoutTokenService(s)).patch(`/admin/users/${user.id}`).set(asAdmin(admin)).send({ is_active: false, name: 'Changed' });
      expect(res.status).toBe(503);
      expect(res.body.detail).toEqual(expect.any(String));
      const row = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
      expect({ isActive: row.isActive, name: row.name }).toEqual({ isActive: true, name: user.name });
      expect(await activityFor(prisma(), user.id)).toEqual([]);
    });

    it('when the user is unknown or the body is invalid, then 404 or 422 and nothing changes', async () => {
      const user = await seedUser(prisma());
      const patch = (id: string, body: unknown) => request(s.app).patch(`/admin/users/${id}`).set(asAdmin(admin)).send(body as object);
      expect((await patch(missing, { is_active: false })).status).toBe(404);
      for (const body of [{ is_active: 'no' }, { is_admin: 1 }, { name: '' }, { name: '<b></b>' }, { name: 'x'.repeat(256) }]) {
        expect({ body, status: (await patch(user.id, body)).status }).toEqual({ body, status: 422 });
      }
      expect((await patch('nope', {})).status).toBe(422);
      expect(await activityFor(prisma(), user.id)).toEqual([]);
    });
  });

  describe('POST /admin/users/{id}/workspaces', () => {
    it('when the user is added, then 201 with the member (viewer by default), logged with the admin as actor', async () => {
      const user = await seedUser(prisma());
      const w = await seedWorkspace(prisma(), ['owner']);
      const res = await request(s.app).post(`/admin/users/${user.id}/workspaces`).set(asAdmin(admin)).send({ workspace_id: w.id });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ user_id: user.id, email: user.email, name: user.name, avatar_url: null, role: 'viewer', joined_at: expect.any(String) });
      expect(await activityFor(prisma(), user.id)).toEqual([
        { action: 'member_added', actorId: admin.id, workspaceId: w.id, detail: { role: 'viewer' } },
      ]);
      const owner = await request(s.app).post(`/admin/users/${(await seedUser(prisma())).id}/workspaces`).set(asAdmin(admin)).send({ workspace_id: w.id, role: 'owner' });
      expect(owner.body.role).toBe('owner');
    });

    it('when the workspace or user is unknown, the user already a member, or the body invalid, then 404, 409 or 422', async () => {
      const user = await seedUser(prisma());
      const w = await seedWorkspace(prisma(), ['owner']);
      const add = (id: string, body: unknown) => request(s.app).post(`/admin/users/${id}/workspaces`).set(asAdmin(admin)).send(body as object);
      expect(await add(user.id, { workspace_id: missing })).toMatchObject({ status: 404, body: { detail: 'Workspace not found' } });
      expect(await add(missing, { workspace_id: w.id })).toMatchObject({ status: 404, body: { detail: 'User not found' } });
      expect((await add(w.members[0]!.id, { workspace_id: w.id })).status).toBe(409);
      expect((await add(user.id, { workspace_id: w.id, role: 'god' })).status).toBe(422);
      expect((await add(user.id, {})).status).toBe(422);
      expect((await add(user.id, { workspace_id: 'nope' })).status).toBe(422);
      expect(await prisma().workspaceMembership.count({ where: { userId: user.id } })).toBe(0);
    });

    it('when the same user is added twice at the same moment, then one 201 and one 409', async () => {
      for (let round = 0; round < 3; round += 1) {
        const user = await seedUser(prisma());
        const w = await seedWorkspace(prisma(), ['owner']);
        const add = () => request(s.app).post(`/admin/users/${user.id}/workspaces`).set(asAdmin(admin)).send({ workspace_id: w.id });
        const results = await Promise.all([add(), add()]);
        expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
        expect(await prisma().workspaceMembership.count({ where: { userId: user.id } })).toBe(1);
      }
    });
  });

  describe('POST /admin/users/{id}/revoke-tokens', () => {
    it('when the user has sessions, then all end, their number is returned and token-service logs it with the admin as actor', async () => {
      const user = await seedUser(prisma());
      const w = await seedWorkspace(prisma(), ['owner']);
      await prisma().workspaceMembership.create({ data: { workspaceId: w.id, userId: user.id, role: 'viewer' } });
      const sessions = [await s.login(user.id, w.id), await s.login(user.id, w.id)];

      const res = await request(s.app).post(`/admin/users/${user.id}/revoke-tokens`).set(asAdmin(admin));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', tokens_revoked: 2 });
      for (const session of sessions) expect(await s.isActive(session.access_token)).toBe(false);
      expect(await activityFor(prisma(), user.id)).toEqual([expect.objectContaining({ action: 'tokens_revoked', actorId: admin.id })]);
      expect((await request(s.app).post(`/admin/users/${user.id}/revoke-tokens`).set(asAdmin(admin))).body).toEqual({ status: 'ok', tokens_revoked: 0 });
    });

    it('when the user is unknown, then 404; when token-service is down, then 503', async () => {
      expect((await request(s.app).post(`/admin/users/${missing}/revoke-tokens`).set(asAdmin(admin))).status).toBe(404);
      const user = await seedUser(prisma());
      expect((await request(appWithoutTokenService(s)).post(`/admin/users/${user.id}/revoke-tokens`).set(asAdmin(admin))).status).toBe(503);
    });
  });

  describe('POST /admin/users/bulk-status', () => {
    it('when users are deactivated together, then all change, their sessions end, each is logged; unknown ids are skipped', async () => {
      const w = await seedWorkspace(prisma(), ['owner', 'editor', 'viewer']);
      const [, u1, u2] = w.members;
      const sessions = [await s.login(u1!.id, w.id), await s.login(u2!.id, w.id)];

      const res = await request(s.app)
        .post('/admin/users/bulk-status')
        .set(asAdmin(admin))
        .send({ user_ids: [u1!.id, u2!.id, u2!.id, missing], is_active: false });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', affected: 2 });
      expect([await isActiveUser(u1!.id), await isActiveUser(u2!.id), await isActiveUser(w.members[0]!.id)]).toEqual([false, false, true]);
      for (const session of sessions) expect(await s.isActive(session.access_token)).toBe(false);
      for (const u of [u1!, u2!]) {
        expect(await activityFor(prisma(), u.id)).toContainEqual(
          expect.objectContaining({ action: 'user_updated', actorId: admin.id, detail: { changes: { is_active: { from: true, to: false } }, bulk: true } }),
        );
      }

      const back = await request(s.app).post('/admin/users/bulk-status').set(asAdmin(admin)).send({ user_ids: [u1!.id, u2!.id], is_active: true });
      expect(back.body).toEqual({ status: 'ok', affected: 2 });
      expect([await isActiveUser(u1!.id), await isActiveUser(u2!.id)]).toEqual([true, true]);
    });

    it('when the largest allowed batch (500) is deactivated, then every user changes and is logged in one transaction', async () => {
      const tag = unique();
      await prisma().user.createMany({ data: Array.from({ length: 500 }, (_, i) => ({ email: `bulk-${i}-${tag}@example.com`, name: `Bulk ${i}` })) });
      const users = await prisma().user.findMany({ where: { email: { endsWith: `-${tag}@example.com` } }, select: { id: true } });
      const res = await request(s.app)
        .post('/admin/users/bulk-status')
        .set(asAdmin(admin))
        .send({ user_ids: users.map((u) => u.id), is_active: false });
      expect(res.body).toEqual({ status: 'ok', affected: 500 });
      expect(await prisma().user.count({ where: { email: { endsWith: `-${tag}@example.com` }, isActive: false } })).toBe(500);
      expect(await prisma().activityLog.count({ where: { action: 'user_updated', targetId: { in: users.map((u) => u.id) } } })).toBe(500);
    }, 120_000);

    it('when token-service is down, then 503 and no user changes (all or nothing)', async () => {
      const users = [await seedUser(prisma()), await seedUser(prisma())];
      const res = await request(appWithoutTokenService(s))
        .post('/admin/users/bulk-status')
        .set(asAdmin(admin))
        .send({ user_ids: users.map((u) => u.id), is_active: false });
      expect(res.status).toBe(503);
      for (const u of users) {
        expect(await isActiveUser(u.id)).toBe(true);
        expect(await activityFor(prisma(), u.id)).toEqual([]);
      }
    });

    it.each([
      { user_ids: [], is_active: false },
      { user_ids: Array.from({ length: 501 }, () => '00000000-0000-4000-8000-000000000000'), is_active: false },
      { user_ids: ['nope'], is_active: false },
      { user_ids: ['00000000-0000-4000-8000-000000000000'] },
      {},
    ])('when the body is invalid (%#), then 422', async (body) => {
      expect((await request(s.app).post('/admin/users/bulk-status').set(asAdmin(admin)).send(body)).status).toBe(422);
    });
  });
});
