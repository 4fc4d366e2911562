import { randomUUID } from 'node:crypto';
import { identityHeader, testAdmin, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { asService, asUser, seeder, type TokenClaims } from './support';

type Row = Record<string, unknown>;

describe('custom RBAC: /roles/*', () => {
  const t = useServiceApp(loadConfig, createApp);
  const seed = seeder(() => t.ctx.deps.prisma);
  let ws: string;
  let otherWs: string;
  let admin: Record<string, string>;
  const users: Record<string, string> = {};
  const svc = `rb${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ws = await seed.workspace();
    otherWs = await seed.workspace();
    users.member = await seed.user(ws, 'viewer');
    users.plain = await seed.user(ws, 'viewer');
    users.both = await seed.user(ws, 'editor');
    await t.ctx.deps.prisma.workspaceMembership.create({ data: { workspaceId: otherWs, userId: users.both, role: 'viewer' } });
    admin = identityHeader({ admin: testAdmin({ user_id: await seed.user() }) });
  });

  const register = (actions: object[], headers = asService(svc), serviceName = svc) =>
    request(t.app).post('/roles/actions/register').set(headers).send({ service_name: serviceName, actions });
  const claims = (name: string, over: Partial<TokenClaims> = {}): TokenClaims => ({ user_id: users[name]!, workspace_id: ws, ...over });
  const checkAction = (c: TokenClaims, action: string, over: object = {}, serviceName = svc) =>
    request(t.app).post('/roles/check-action').set(asUser(c, serviceName)).send({ service_name: svc, action, workspace_id: c.workspace_id, ...over });
  const userActions = (c: TokenClaims, query: Record<string, string> = {}, serviceName = svc) =>
    request(t.app).get('/roles/user-actions').set(asUser(c, serviceName)).query({ workspace_id: c.workspace_id, service_name: svc, ...query });

  /** A role in `workspace` granting `actions` (registered first), given to `members`. */
  const role = async (workspace: string, actions: string[], members: string[]) => {
    const registered = await register(actions.map((action) => ({ action })));
    expect(registered.status).toBe(201);
    const created = await request(t.app).post(`/admin/workspaces/${workspace}/roles`).set(admin).send({ name: `r-${randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(201);
    const attached = await request(t.app)
      .post(`/admin/roles/${created.body.id}/actions`)
      .set(admin)
      .send({ service_action_ids: (registered.body as Row[]).map((a) => a.id) });
    expect(attached.status).toBe(201);
    for (const userId of members) expect((await request(t.app).post(`/admin/roles/${created.body.id}/members/${userId}`).set(admin)).status).toBe(201);
    return { id: created.body.id as string, name: created.body.name as string, actionIds: (registered.body as Row[]).map((a) => a.id) as string[] };
  };

  describe('POST /roles/actions/register', () => {
    it('creates the actions (201, 0.7 shape) and logs the registration', async () => {
      const res = await register([{ action: 'doc:read', description: 'Read' }, { action: 'doc.write' }]);
      expect(res.status).toBe(201);
      expect(res.body).toEqual([
        { id: expect.any(String), service_name: svc, action: 'doc:read', description: 'Read', created_at: expect.any(String) },
        { id: expect.any(String), service_name: svc, action: 'doc.write', description: null, created_at: expect.any(String) },
      ]);
      const entries = await t.ctx.deps.prisma.activityLog.findMany({ where: { action: 'service_actions_registered', targetId: res.body[0].id } });
      expect(entries).toHaveLength(1);
      expect(entries[0]!.detail).toMatchObject({ service_name: svc, actions: ['doc:read', 'doc.write'] });
    });

    it('is idempotent: the same ids come back, a given description is updated, an omitted one kept', async () => {
      const first = await register([{ action: 'idem:a', description: 'one' }, { action: 'idem:b', description: 'keep' }]);
      const second = await register([{ action: 'idem:a', description: 'two' }, { action: 'idem:b' }]);
      expect(second.status).toBe(201);
      expect((second.body as Row[]).map((a) => a.id)).toEqual((first.body as Row[]).map((a) => a.id));
      expect((second.body as Row[]).map((a) => a.description)).toEqual(['two', 'keep']);
      expect(await t.ctx.deps.prisma.serviceAction.count({ where: { serviceName: svc, action: { startsWith: 'idem:' } } })).toBe(2);
    });

    it('when the same action is named twice in one request, then one row', async () => {
      const res = await register([{ action: 'dup:x', description: 'a' }, { action: 'dup:x', description: 'b' }]);
      expect(res.status).toBe(201);
      expect(res.body).toHaveLength(1);
      expect(res.body[0].description).toBe('b');
    });

    it('when the key belongs to another service_name, then 403 and nothing is stored', async () => {
      const res = await register([{ action: 'scoped:x' }], asService('other-svc'));
      expect(res.status).toBe(403);
      expect(await t.ctx.deps.prisma.serviceAction.count({ where: { serviceName: svc, action: 'scoped:x' } })).toBe(0);
    });

    it('when the body is invalid, then 422', async () => {
      expect((await register([{ action: 'Bad Name' }])).status).toBe(422);
      expect((await register([])).status).toBe(422);
      expect((await register([{ action: 'ok' }], asService(svc), 'Not Valid')).status).toBe(422);
    });

    it('when there is no service key, then 401', async () => {
      const res = await request(t.app).post('/roles/actions/register').set(identityHeader({})).send({ service_name: svc, actions: [{ action: 'x' }] });
      expect(res.status).toBe(401);
    });
  });

  describe('POST /roles/check-action and GET /roles/user-actions', () => {
    it("when one of the user's roles grants the action, then allowed with the granting roles' names", async () => {
      const a = await role(ws, ['chk:read', 'chk:write'], [users.member!]);
      const b = await role(ws, ['chk:read'], [users.member!]);
      const res = await checkAction(claims('member'), 'chk:read');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ allowed: true, roles: [a.name, b.name].sort() });
      expect((await checkAction(claims('member'), 'chk:write')).body).toEqual({ allowed: true, roles: [a.name] });
      expect((await userActions(claims('member'))).body).toEqual({ actions: ['chk:read', 'chk:write'] });
    });

    it('when no role of the user grants it, then denied with no roles', async () => {
      await role(ws, ['deny:x'], [users.member!]);
      expect((await checkAction(claims('plain'), 'deny:x')).body).toEqual({ allowed: false, roles: [] });
      expect((await checkAction(claims('member'), 'deny:unregistered')).body).toEqual({ allowed: false, roles: [] });
      expect((await userActions(claims('plain'))).body).toEqual({ actions: [] });
    });

    it("when the role is in another workspace than the token's, then it does not count", async () => {
      await role(otherWs, ['cross:x'], [users.both!]);
      expect((await checkAction(claims('both'), 'cross:x')).body).toEqual({ allowed: false, roles: [] });
      expect((await checkAction(claims('both', { workspace_id: otherWs }), 'cross:x')).body.allowed).toBe(true);
    });

    it('when workspace_id differs from the token, then 403', async () => {
      const res = await checkAction(claims('member'), 'chk:read', { workspace_id: otherWs });
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('Cross-workspace check not allowed');
      expect((await userActions(claims('member'), { workspace_id: otherWs })).status).toBe(403);
    });

    it('when the key belongs to another service_name, then 403', async () => {
      expect((await checkAction(claims('member'), 'chk:read', {}, 'other-svc')).status).toBe(403);
      expect((await userActions(claims('member'), {}, 'other-svc')).status).toBe(403);
    });

    it('when the user is no longer a member of the workspace, then denied on the very next check', async () => {
      const leaver = await seed.user(ws, 'viewer');
      const r = await role(ws, ['leave:x'], [leaver]);
      const c: TokenClaims = { user_id: leaver, workspace_id: ws };
      expect((await checkAction(c, 'leave:x')).body).toEqual({ allowed: true, roles: [r.name] });
      await seed.removeMember(ws, leaver);
      expect((await checkAction(c, 'leave:x')).body).toEqual({ allowed: false, roles: [] });
      expect((await userActions(c)).body).toEqual({ actions: [] });
    });

    it('when the role or the action is taken away, then denied on the very next check', async () => {
      const user = await seed.user(ws, 'viewer');
      const r = await role(ws, ['revoke:x'], [user]);
      const c: TokenClaims = { user_id: user, workspace_id: ws };
      expect((await checkAction(c, 'revoke:x')).body.allowed).toBe(true);
      expect((await request(t.app).delete(`/admin/roles/${r.id}/actions/${r.actionIds[0]}`).set(admin)).status).toBe(204);
      expect((await checkAction(c, 'revoke:x')).body.allowed).toBe(false);
    });

    it('when the body or query is invalid or there is no user, then 422 or 401', async () => {
      expect((await checkAction(claims('member'), 'chk:read', { workspace_id: 'nope' })).status).toBe(422);
      expect((await userActions(claims('member'), { service_name: '' })).status).toBe(422);
      const res = await request(t.app).post('/roles/check-action').set(asService(svc)).send({ service_name: svc, action: 'x', workspace_id: ws });
      expect(res.status).toBe(401);
    });

    it('checks write no activity', async () => {
      const before = await t.ctx.deps.prisma.activityLog.count();
      await checkAction(claims('member'), 'chk:read');
      await userActions(claims('member'));
      expect(await t.ctx.deps.prisma.activityLog.count()).toBe(before);
    });
  });
});
