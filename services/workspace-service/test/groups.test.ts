import request from 'supertest';
import { accessRevision, activityActions, asRole, seedUser, seedWorkspace, startStack, unique, type SeededWorkspace, type Stack } from './support';

describe('groups', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.close();
  });
  const prisma = () => s.ctx.deps.prisma;
  const groupsOf = (w: SeededWorkspace) => `/workspaces/${w.id}/groups`;
  const createGroup = async (w: SeededWorkspace, name = `Group ${unique()}`) => {
    const res = await request(s.app).post(groupsOf(w)).set(asRole(w, 'owner')).send({ name });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string };
  };

  it('when an admin creates a group, then 201 with its shape (HTML stripped), listed for any member, and logged', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin', 'viewer']);
    const admin = w.members[1]!;
    const res = await request(s.app).post(groupsOf(w)).set(asRole(w, 'admin')).send({ name: '<b>Design</b>', description: 'UI <script>x</script>people' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      workspace_id: w.id,
      name: 'Design',
      description: 'UI people',
      created_by: admin.id,
      created_at: expect.any(String),
    });
    const list = await request(s.app).get(groupsOf(w)).set(asRole(w, 'viewer'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([res.body]);
    expect(await activityActions(prisma(), w.id)).toEqual(['group_created']);
  });

  it('when the name is taken in the workspace, then 409 on create and rename; another workspace may use it', async () => {
    const w = await seedWorkspace(prisma(), ['owner']);
    await createGroup(w, 'Ops');
    const other = await createGroup(w, 'Dev');
    expect((await request(s.app).post(groupsOf(w)).set(asRole(w, 'owner')).send({ name: 'Ops' })).status).toBe(409);
    const rename = await request(s.app).patch(`${groupsOf(w)}/${other.id}`).set(asRole(w, 'owner')).send({ name: 'Ops' });
    expect(rename.status).toBe(409);
    expect(rename.body).toEqual({ detail: 'A group with this name already exists in this workspace' });
    const elsewhere = await seedWorkspace(prisma(), ['owner']);
    await createGroup(elsewhere, 'Ops');
  });

  it('when an admin renames a group, then the group is returned and logged; an unknown or foreign group is 404', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin']);
    const g = await createGroup(w);
    const res = await request(s.app).patch(`${groupsOf(w)}/${g.id}`).set(asRole(w, 'admin')).send({ name: 'Renamed', description: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: g.id, name: 'Renamed', description: null });
    expect(await activityActions(prisma(), w.id)).toEqual(['group_created', 'group_updated']);

    const foreign = await createGroup(await seedWorkspace(prisma(), ['owner']));
    for (const id of [foreign.id, '00000000-0000-4000-8000-000000000000']) {
      expect((await request(s.app).patch(`${groupsOf(w)}/${id}`).set(asRole(w, 'admin')).send({ name: 'x' })).status).toBe(404);
      expect((await request(s.app).delete(`${groupsOf(w)}/${id}`).set(asRole(w, 'admin'))).status).toBe(404);
      expect((await request(s.app).get(`${groupsOf(w)}/${id}/members`).set(asRole(w, 'admin'))).status).toBe(404);
    }
    expect((await request(s.app).patch(`${groupsOf(w)}/nope`).set(asRole(w, 'admin')).send({ name: 'x' })).status).toBe(422);
  });

  it('when an admin adds a workspace member, then 201 {status: ok}, listed with added_at, logged; twice is 409', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin', 'editor']);
    const editor = w.members[2]!;
    const g = await createGroup(w);
    const add = () => request(s.app).post(`${groupsOf(w)}/${g.id}/members/${editor.id}`).set(asRole(w, 'admin'));
    const res = await add();
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status: 'ok' });
    expect(await accessRevision(prisma(), w.id)).toBe(0n); // adding grants, it removes nothing
    const list = await request(s.app).get(`${groupsOf(w)}/${g.id}/members`).set(asRole(w, 'editor'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ user_id: editor.id, email: editor.email, name: editor.name, added_at: expect.any(String) }]);
    expect((await add()).status).toBe(409);
    expect(await activityActions(prisma(), w.id)).toEqual(['group_created', 'group_member_added']);
  });

  it('when the target is not a member of the workspace, then 400 and nothing is added', async () => {
    const w = await seedWorkspace(prisma(), ['owner']);
    const g = await createGroup(w);
    const outsider = await seedUser(prisma());
    const res = await request(s.app).post(`${groupsOf(w)}/${g.id}/members/${outsider.id}`).set(asRole(w, 'owner'));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'The user is not a member of this workspace' });
    expect(await prisma().groupMembership.count({ where: { groupId: g.id } })).toBe(0);
  });

  it('when an admin removes a user from a group, then 204, revision bumped, logged and their sessions revoked; again is 404', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'editor']);
    const editor = w.members[1]!;
    const g = await createGroup(w);
    await request(s.app).post(`${groupsOf(w)}/${g.id}/members/${editor.id}`).set(asRole(w, 'owner'));
    const session = await s.login(editor.id, w.id);
    const del = () => request(s.app).delete(`${groupsOf(w)}/${g.id}/members/${editor.id}`).set(asRole(w, 'owner'));
    expect((await del()).status).toBe(204);
    expect(await prisma().groupMembership.count({ where: { groupId: g.id } })).toBe(0);
    expect(await accessRevision(prisma(), w.id)).toBe(1n);
    expect(await activityActions(prisma(), w.id)).toEqual(['group_created', 'group_member_added', 'group_member_removed']);
    expect(await s.isActive(session.access_token)).toBe(false);
    expect((await del()).status).toBe(404);
  });

  it("when an admin deletes a group, then 204, its members' sessions are revoked and the revision bumped", async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'editor', 'viewer']);
    const [, editor, viewer] = w.members;
    const g = await createGroup(w);
    await request(s.app).post(`${groupsOf(w)}/${g.id}/members/${editor!.id}`).set(asRole(w, 'owner'));
    const inGroup = await s.login(editor!.id, w.id);
    const notInGroup = await s.login(viewer!.id, w.id);
    expect((await request(s.app).delete(`${groupsOf(w)}/${g.id}`).set(asRole(w, 'owner'))).status).toBe(204);
    expect(await prisma().group.count({ where: { id: g.id } })).toBe(0);
    expect(await accessRevision(prisma(), w.id)).toBe(1n);
    expect(await s.isActive(inGroup.access_token)).toBe(false);
    expect(await s.isActive(notInGroup.access_token)).toBe(true);
    expect(await activityActions(prisma(), w.id)).toEqual(['group_created', 'group_member_added', 'group_deleted']);
  });

  it.each([
    ['no name', {}],
    ['a name of HTML only', { name: '<p></p>' }],
    ['a description that is not a string', { name: 'ok', description: 5 }],
  ])('when create has %s, then 422', async (_label, body) => {
    const w = await seedWorkspace(prisma(), ['owner']);
    expect((await request(s.app).post(groupsOf(w)).set(asRole(w, 'owner')).send(body)).status).toBe(422);
  });
});
