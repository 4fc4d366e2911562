import { randomUUID } from 'node:crypto';
import { identityHeader, testAdmin, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { asService, asUser, seeder } from './support';

type Row = Record<string, unknown>;

describe('admin RBAC: /admin/workspaces/{id}/roles, /admin/roles, /admin/service-actions', () => {
  const t = useServiceApp(loadConfig, createApp);
  const seed = seeder(() => t.ctx.deps.prisma);
  const db = () => t.ctx.deps.prisma;
  let ws: string;
  let otherWs: string;
  let adminId: string;
  let admin: Record<string, string>;
  let member: string;
  let outsider: string;
  const svc = `ad${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ws = await seed.workspace();
    otherWs = await seed.workspace();
    adminId = await seed.user();
    admin = identityHeader({ admin: testAdmin({ user_id: adminId }) });
    member = await seed.user(ws, 'viewer');
    outsider = await seed.user(otherWs, 'owner');
  });

  const name = () => `role-${randomUUID().slice(0, 8)}`;
  const createRole = async (workspace = ws, body: object = { name: name() }) => {
    const res = await request(t.app).post(`/admin/workspaces/${workspace}/roles`).set(admin).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string };
  };
  const registerActions = async (...actions: string[]) => {
    const res = await request(t.app)
      .post('/roles/actions/register')
      .set(asService(svc))
      .send({ service_name: svc, actions: actions.map((action) => ({ action })) });
    expect(res.status).toBe(201);
    return (res.body as Row[]).map((a) => a.id) as string[];
  };
  const activity = (action: string, targetId: string) => db().activityLog.findMany({ where: { action, targetId } });

  describe('roles of a workspace', () => {
    it('creates (201, with counts), lists, gets, updates and deletes a role, logging each change', async () => {
      const created = await request(t.app).post(`/admin/workspaces/${ws}/roles`).set(admin).send({ name: 'Editors', description: 'Edit things' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        workspace_id: ws,
        name: 'Editors',
        description: 'Edit things',
        created_by: adminId,
        created_at: expect.any(String),
        action_count: 0,
        member_count: 0,
      });
      const id = created.body.id as string;
      const list = await request(t.app).get(`/admin/workspaces/${ws}/roles`).set(admin);
      expect(list.status).toBe(200);
      expect((list.body as Row[]).map((r) => r.id)).toContain(id);
      expect((await request(t.app).get(`/admin/workspaces/${otherWs}/roles`).set(admin)).body).toEqual([]);
      expect((await request(t.app).get(`/admin/roles/${id}`).set(admin)).body).toEqual(created.body);

      const patched = await request(t.app).patch(`/admin/roles/${id}`).set(admin).send({ name: 'Writers', description: null });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id, name: 'Writers', description: null });

      expect((await request(t.app).delete(`/admin/roles/${id}`).set(admin)).status).toBe(204);
      expect((await request(t.app).get(`/admin/roles/${id}`).set(admin)).status).toBe(404);
      expect(await activity('role_created', id)).toHaveLength(1);
      expect(await activity('role_updated', id)).toHaveLength(1);
      expect(await activity('role_deleted', id)).toHaveLength(1);
      expect((await activity('role_created', id))[0]).toMatchObject({ actorId: adminId, workspaceId: ws, targetType: 'role' });
    });

    it('when the name is taken in the workspace, then 409 (the same name elsewhere is fine)', async () => {
      const first = await createRole();
      const dup = await request(t.app).post(`/admin/workspaces/${ws}/roles`).set(admin).send({ name: first.name });
      expect(dup.status).toBe(409);
      await createRole(otherWs, { name: first.name });
      const other = await createRole();
      expect((await request(t.app).patch(`/admin/roles/${other.id}`).set(admin).send({ name: first.name })).status).toBe(409);
    });

    it('when the workspace or role is unknown, then 404; when the input is invalid, then 422', async () => {
      expect((await request(t.app).get(`/admin/workspaces/${randomUUID()}/roles`).set(admin)).status).toBe(404);
      expect((await request(t.app).post(`/admin/workspaces/${randomUUID()}/roles`).set(admin).send({ name: 'x' })).status).toBe(404);
      expect((await request(t.app).get(`/admin/roles/${randomUUID()}`).set(admin)).status).toBe(404);
      expect((await request(t.app).patch(`/admin/roles/${randomUUID()}`).set(admin).send({ name: 'x' })).status).toBe(404);
      expect((await request(t.app).delete(`/admin/roles/${randomUUID()}`).set(admin)).status).toBe(404);
      expect((await request(t.app).post(`/admin/workspaces/${ws}/roles`).set(admin).send({ name: '' })).status).toBe(422);
      expect((await request(t.app).get('/admin/roles/not-a-uuid').set(admin)).status).toBe(422);
    });

    it('when the caller is a user or a service, not an admin, then 403', async () => {
      expect((await request(t.app).get(`/admin/workspaces/${ws}/roles`).set(asUser({ user_id: member, workspace_id: ws }))).status).toBe(403);
      expect((await request(t.app).post(`/admin/workspaces/${ws}/roles`).set(asService(svc)).send({ name: 'x' })).status).toBe(403);
    });

    it('deleting a role bumps the access revision', async () => {
      const role = await createRole();
      const before = await seed.revision(ws);
      await request(t.app).delete(`/admin/roles/${role.id}`).set(admin);
      expect(await seed.revision(ws)).toBeGreaterThan(before);
    });
  });

  describe('actions of a role', () => {
    it('attaches (201, the role actions), lists and detaches actions; detaching bumps the revision; each change is logged', async () => {
      const role = await createRole();
      const [a, b] = await registerActions('att:a', 'att:b');
      const res = await request(t.app).post(`/admin/roles/${role.id}/actions`).set(admin).send({ service_action_ids: [a, b] });
      expect(res.status).toBe(201);
      expect((res.body as Row[]).map((x) => x.action)).toEqual(['att:a', 'att:b']);
      expect((await request(t.app).get(`/admin/roles/${role.id}/actions`).set(admin)).body).toEqual(res.body);
      expect((await request(t.app).get(`/admin/roles/${role.id}`).set(admin)).body.action_count).toBe(2);
      expect(await activity('role_action_added', role.id)).toHaveLength(2);

      const before = await seed.revision(ws);
      expect((await request(t.app).delete(`/admin/roles/${role.id}/actions/${a}`).set(admin)).status).toBe(204);
      expect(await seed.revision(ws)).toBeGreaterThan(before);
      const remaining = await request(t.app).get(`/admin/roles/${role.id}/actions`).set(admin);
      expect((remaining.body as Row[]).map((x) => x.id)).toEqual([b]);
      expect(await activity('role_action_removed', role.id)).toHaveLength(1);
    });

    it('when an action is already attached, then 409 and nothing changes', async () => {
      const role = await createRole();
      const [a, b] = await registerActions('dupatt:a', 'dupatt:b');
      await request(t.app).post(`/admin/roles/${role.id}/actions`).set(admin).send({ service_action_ids: [a] });
      const res = await request(t.app).post(`/admin/roles/${role.id}/actions`).set(admin).send({ service_action_ids: [b, a] });
      expect(res.status).toBe(409);
      expect(await db().roleAction.count({ where: { roleId: role.id } })).toBe(1);
    });

    it('when the role, the action or the attachment is unknown, then 404', async () => {
      const role = await createRole();
      const [a] = await registerActions('unk:a');
      expect((await request(t.app).post(`/admin/roles/${randomUUID()}/actions`).set(admin).send({ service_action_ids: [a] })).status).toBe(404);
      expect((await request(t.app).post(`/admin/roles/${role.id}/actions`).set(admin).send({ service_action_ids: [randomUUID()] })).status).toBe(404);
      expect((await request(t.app).get(`/admin/roles/${randomUUID()}/actions`).set(admin)).status).toBe(404);
      expect((await request(t.app).delete(`/admin/roles/${role.id}/actions/${a}`).set(admin)).status).toBe(404);
      expect((await request(t.app).post(`/admin/roles/${role.id}/actions`).set(admin).send({ service_action_ids: [] })).status).toBe(422);
    });
  });

  describe('members of a role', () => {
    it('assigns (201), lists and unassigns a member; unassigning bumps the revision; each change is logged', async () => {
      const role = await createRole();
      const res = await request(t.app).post(`/admin/roles/${role.id}/members/${member}`).set(admin);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ user_id: member, email: expect.any(String), name: 'User', assigned_at: expect.any(String), assigned_by: adminId });
      expect((await request(t.app).get(`/admin/roles/${role.id}/members`).set(admin)).body).toEqual([res.body]);
      expect((await request(t.app).get(`/admin/roles/${role.id}`).set(admin)).body.member_count).toBe(1);
      expect(await activity('role_member_added', role.id)).toHaveLength(1);

      const before = await seed.revision(ws);
      expect((await request(t.app).delete(`/admin/roles/${role.id}/members/${member}`).set(admin)).status).toBe(204);
      expect(await seed.revision(ws)).toBeGreaterThan(before);
      expect((await request(t.app).get(`/admin/roles/${role.id}/members`).set(admin)).body).toEqual([]);
      expect(await activity('role_member_removed', role.id)).toHaveLength(1);
    });

    it("when the user is not a member of the role's workspace, then 400 and nothing is stored", async () => {
      const role = await createRole();
      const res = await request(t.app).post(`/admin/roles/${role.id}/members/${outsider}`).set(admin);
      expect(res.status).toBe(400);
      expect(await db().userRole.count({ where: { roleId: role.id } })).toBe(0);
      expect(await activity('role_member_added', role.id)).toHaveLength(0);
    });

    it('when the user already has the role, then 409', async () => {
      const role = await createRole();
      await request(t.app).post(`/admin/roles/${role.id}/members/${member}`).set(admin);
      expect((await request(t.app).post(`/admin/roles/${role.id}/members/${member}`).set(admin)).status).toBe(409);
    });

    it('when the role, the user or the assignment is unknown, then 404', async () => {
      const role = await createRole();
      expect((await request(t.app).post(`/admin/roles/${randomUUID()}/members/${member}`).set(admin)).status).toBe(404);
      expect((await request(t.app).post(`/admin/roles/${role.id}/members/${randomUUID()}`).set(admin)).status).toBe(404);
      expect((await request(t.app).get(`/admin/roles/${randomUUID()}/members`).set(admin)).status).toBe(404);
      expect((await request(t.app).delete(`/admin/roles/${role.id}/members/${member}`).set(admin)).status).toBe(404);
    });
  });

  describe('/admin/service-actions', () => {
    it('lists (filtered by service_name) and deletes, which removes it from roles, bumps their revisions and is logged', async () => {
      const [a, b] = await registerActions('sa:a', 'sa:b');
      const list = await request(t.app).get('/admin/service-actions').query({ service_name: svc }).set(admin);
      expect(list.status).toBe(200);
      expect((list.body as Row[]).map((x) => x.id)).toEqual(expect.arrayContaining([a, b]));
      expect((list.body as Row[]).every((x) => x.service_name === svc)).toBe(true);

      const role = await createRole(otherWs);
      await request(t.app).post(`/admin/roles/${role.id}/actions`).set(admin).send({ service_action_ids: [a] });
      const before = await seed.revision(otherWs);
      expect((await request(t.app).delete(`/admin/service-actions/${a}`).set(admin)).status).toBe(204);
      expect(await seed.revision(otherWs)).toBeGreaterThan(before);
      expect((await request(t.app).get(`/admin/roles/${role.id}/actions`).set(admin)).body).toEqual([]);
      expect(await activity('service_action_deleted', a!)).toHaveLength(1);
      expect((await request(t.app).delete(`/admin/service-actions/${a}`).set(admin)).status).toBe(404);
    });

    it('when the caller is not an admin or the filter is invalid, then 403 or 422', async () => {
      expect((await request(t.app).get('/admin/service-actions').set(asService(svc))).status).toBe(403);
      expect((await request(t.app).get('/admin/service-actions').query({ service_name: 'Bad Name' }).set(admin)).status).toBe(422);
    });
  });
});
