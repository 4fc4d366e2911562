import { randomUUID } from 'node:crypto';
import { identityHeader, testUser, useServiceApp } from '@sentinel/testing';
import { Pool } from 'pg';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createAccessRepository, type AccessRepository } from '../src/data/access';
import { createChecks } from '../src/domain/checks';
import { createRevisionCache } from '../src/domain/revision-cache';
import { asService, asUser, registerBody, seeder, type TokenClaims } from './support';

type Action = 'view' | 'edit';

describe('POST /permissions/check', () => {
  const t = useServiceApp(loadConfig, createApp);
  const seed = seeder(() => t.ctx.deps.prisma);
  let ws: string;
  let otherWs: string;
  const users: Record<string, string> = {};

  beforeAll(async () => {
    ws = await seed.workspace();
    otherWs = await seed.workspace();
    users.owner = await seed.user(ws, 'viewer');
    users.admin = await seed.user(ws, 'admin');
    users.wsOwner = await seed.user(ws, 'owner');
    users.editor = await seed.user(ws, 'editor');
    users.viewer = await seed.user(ws, 'viewer');
    users.outsider = await seed.user(otherWs, 'owner');
  });

  const register = async (over: Record<string, unknown>) => {
    const body = registerBody({ workspace_id: ws, owner_id: users.owner, ...over });
    const res = await request(t.app).post('/permissions/register').set(asService()).send(body);
    expect(res.status).toBe(201);
    return { permissionId: res.body.id as string, resourceId: body.resource_id as string };
  };
  const share = async (permissionId: string, grantee_type: 'user' | 'group', grantee_id: string, permission: Action) => {
    const res = await request(t.app)
      .post(`/permissions/${permissionId}/share`)
      .set(asUser({ user_id: users.owner!, workspace_id: ws }))
      .send({ grantee_type, grantee_id, permission });
    expect(res.status).toBe(201);
  };
  const item = (resourceId: string, action: Action, over: object = {}) => ({
    service_name: 'docs',
    resource_type: 'document',
    resource_id: resourceId,
    action,
    ...over,
  });
  const checkAll = (claims: TokenClaims, checks: object[], headers = asUser(claims)) =>
    request(t.app).post('/permissions/check').set(headers).send({ checks });
  /** [view, edit] for the user on the resource. */
  const both = async (claims: TokenClaims, resourceId: string): Promise<[boolean, boolean]> => {
    const res = await checkAll(claims, [item(resourceId, 'view'), item(resourceId, 'edit')]);
    expect(res.status).toBe(200);
    return [res.body.results[0].allowed, res.body.results[1].allowed];
  };
  const as = (name: string, over: Partial<TokenClaims> = {}): TokenClaims => ({ user_id: users[name]!, workspace_id: ws, ...over });

  it('when the resource is not registered, then deny (not 404)', async () => {
    expect(await both(as('wsOwner', { workspace_role: 'owner' }), randomUUID())).toEqual([false, false]);
  });

  it("when the resource is in another workspace than the token's, then deny, even for its owner and for admins", async () => {
    const { resourceId } = await register({ workspace_id: otherWs, owner_id: users.outsider, visibility: 'workspace' });
    // The outsider owns it, but asks with a token for `ws` (where they are not a member either).
    expect(await both({ user_id: users.outsider!, workspace_id: ws, workspace_role: 'owner' }, resourceId)).toEqual([false, false]);
    expect(await both(as('admin', { workspace_role: 'admin' }), resourceId)).toEqual([false, false]);
    // In its own workspace the owner is allowed: the denial above is the workspace rule.
    expect(await both({ user_id: users.outsider!, workspace_id: otherWs, workspace_role: 'owner' }, resourceId)).toEqual([true, true]);
  });

  it('when the user owns a private resource, then view and edit, whatever their role', async () => {
    const { resourceId } = await register({ visibility: 'private' });
    expect(await both(as('owner'), resourceId)).toEqual([true, true]);
  });

  it('when the user is a workspace admin or owner, then view and edit on private resources', async () => {
    const { resourceId } = await register({ visibility: 'private' });
    expect(await both(as('admin', { workspace_role: 'admin' }), resourceId)).toEqual([true, true]);
    expect(await both(as('wsOwner', { workspace_role: 'owner' }), resourceId)).toEqual([true, true]);
  });

  it('when the resource is workspace-visible, then every member views and only editors (and up) edit', async () => {
    const { resourceId } = await register({ visibility: 'workspace' });
    expect(await both(as('viewer'), resourceId)).toEqual([true, false]);
    expect(await both(as('editor', { workspace_role: 'editor' }), resourceId)).toEqual([true, true]);
    expect(await both({ user_id: users.outsider!, workspace_id: ws }, resourceId)).toEqual([false, false]);
  });

  it('when the resource is private and not shared, then editors and viewers are denied', async () => {
    const { resourceId } = await register({ visibility: 'private' });
    expect(await both(as('viewer'), resourceId)).toEqual([false, false]);
    expect(await both(as('editor', { workspace_role: 'editor' }), resourceId)).toEqual([false, false]);
  });

  it('when a user share is view, then view only; when it is edit, then both', async () => {
    const viewShared = await register({ visibility: 'private' });
    await share(viewShared.permissionId, 'user', users.viewer!, 'view');
    expect(await both(as('viewer'), viewShared.resourceId)).toEqual([true, false]);
    const editShared = await register({ visibility: 'private' });
    await share(editShared.permissionId, 'user', users.viewer!, 'edit');
    expect(await both(as('viewer'), editShared.resourceId)).toEqual([true, true]);
    // Someone else's share gives the editor nothing.
    expect(await both(as('editor', { workspace_role: 'editor' }), editShared.resourceId)).toEqual([false, false]);
  });

  it("when a group share names one of the user's groups in the database, then the same rule applies", async () => {
    const member = await seed.user(ws, 'viewer');
    const group = await seed.group(ws, [member]);
    const viewShared = await register({ visibility: 'private' });
    const editShared = await register({ visibility: 'private' });
    await share(viewShared.permissionId, 'group', group, 'view');
    await share(editShared.permissionId, 'group', group, 'edit');
    // The token's groups claim is empty: the database's membership counts.
    expect(await both({ user_id: member, workspace_id: ws, groups: [] }, viewShared.resourceId)).toEqual([true, false]);
    expect(await both({ user_id: member, workspace_id: ws, groups: [] }, editShared.resourceId)).toEqual([true, true]);
  });

  it("when the token claims a group the user is not in (any more), then the group share does not apply", async () => {
    const notMember = await seed.user(ws, 'viewer');
    const group = await seed.group(ws, []);
    const shared = await register({ visibility: 'private' });
    await share(shared.permissionId, 'group', group, 'edit');
    expect(await both({ user_id: notMember, workspace_id: ws, groups: [group] }, shared.resourceId)).toEqual([false, false]);
  });

  it('when the token says admin but the database says viewer, then the database answers', async () => {
    const { resourceId } = await register({ visibility: 'private' });
    expect(await both(as('viewer', { workspace_role: 'admin' }), resourceId)).toEqual([false, false]);
    const visible = await register({ visibility: 'workspace' });
    expect(await both(as('viewer', { workspace_role: 'owner' }), visible.resourceId)).toEqual([true, false]);
  });

  it('when the user is removed from the group in the database, then the very next check denies', async () => {
    const member = await seed.user(ws, 'viewer');
    const group = await seed.group(ws, [member]);
    const shared = await register({ visibility: 'private' });
    await share(shared.permissionId, 'group', group, 'view');
    const claims = { user_id: member, workspace_id: ws, groups: [group] };
    expect(await both(claims, shared.resourceId)).toEqual([true, false]);
    await seed.removeFromGroup(group, member);
    expect(await both(claims, shared.resourceId)).toEqual([false, false]);
  });

  it('when an admin is demoted in the database, then the very next check uses the new role', async () => {
    const admin = await seed.user(ws, 'admin');
    const { resourceId } = await register({ visibility: 'workspace' });
    const claims = { user_id: admin, workspace_id: ws, workspace_role: 'admin' as const };
    expect(await both(claims, resourceId)).toEqual([true, true]);
    await seed.setRole(ws, admin, 'viewer');
    expect(await both(claims, resourceId)).toEqual([true, false]);
  });

  it('when a member is removed from the workspace, then the very next check denies, even on what they own', async () => {
    const leaver = await seed.user(ws, 'editor');
    const owned = await register({ visibility: 'private', owner_id: leaver });
    const visible = await register({ visibility: 'workspace' });
    const claims = { user_id: leaver, workspace_id: ws, workspace_role: 'editor' as const };
    expect(await both(claims, owned.resourceId)).toEqual([true, true]);
    await seed.removeMember(ws, leaver);
    expect(await both(claims, owned.resourceId)).toEqual([false, false]);
    expect(await both(claims, visible.resourceId)).toEqual([false, false]);
  });

  it('when a batch mixes answers and repeats an item, then the results come in request order, echoing each item (ids in lower case)', async () => {
    const visible = await register({ visibility: 'workspace' });
    const hidden = await register({ visibility: 'private' });
    const unknown = randomUUID();
    const checks = [
      item(hidden.resourceId, 'view'),
      item(visible.resourceId, 'view'),
      item(unknown, 'view'),
      item(visible.resourceId, 'edit'),
      item(visible.resourceId.toUpperCase(), 'view'),
      item(hidden.resourceId, 'view'),
    ];
    const res = await checkAll(as('viewer'), checks);
    expect(res.status).toBe(200);
    const allowed = [false, true, false, false, true, false];
    expect(res.body.results).toEqual(checks.map((c, i) => ({ ...c, resource_id: c.resource_id.toLowerCase(), allowed: allowed[i] })));
  });

  it('when checks are answered, then nothing is written to the activity log', async () => {
    const visible = await register({ visibility: 'workspace' });
    const before = await t.ctx.deps.prisma.activityLog.count();
    expect((await checkAll(as('viewer'), [item(visible.resourceId, 'view')])).status).toBe(200);
    expect(await t.ctx.deps.prisma.activityLog.count()).toBe(before);
  });

  it('when a batch has 100 items, then 100 answers; 0 or 101 items are a 422', async () => {
    const visible = await register({ visibility: 'workspace' });
    const hundred = Array.from({ length: 100 }, (_, i) => item(i % 2 === 0 ? visible.resourceId : randomUUID(), 'view'));
    const res = await checkAll(as('viewer'), hundred);
    expect(res.status).toBe(200);
    expect((res.body.results as Array<{ allowed: boolean }>).map((r) => r.allowed)).toEqual(hundred.map((_, i) => i % 2 === 0));
    expect((await checkAll(as('viewer'), [])).status).toBe(422);
    expect((await checkAll(as('viewer'), [...hundred, item(visible.resourceId, 'view')])).status).toBe(422);
  });

  it('when an item is malformed, then 422 naming it', async () => {
    const res = await checkAll(as('viewer'), [item(randomUUID(), 'view'), item('nope', 'view'), item(randomUUID(), 'delete' as Action)]);
    expect(res.status).toBe(422);
    expect((res.body.errors as Array<{ loc: unknown[] }>).map((e) => e.loc)).toEqual([
      ['body', 'checks', 1, 'resource_id'],
      ['body', 'checks', 2, 'action'],
    ]);
  });

  it("when any item names another service than the key's, then 403 for the whole request", async () => {
    const visible = await register({ visibility: 'workspace' });
    const res = await checkAll(as('viewer'), [item(visible.resourceId, 'view'), item(visible.resourceId, 'view', { service_name: 'billing' })]);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: "Service key is not authorized for service 'billing'" });
    const billingKey = await checkAll(as('viewer'), [item(visible.resourceId, 'view')], asUser(as('viewer'), 'billing'));
    expect(billingKey.status).toBe(403);
  });

  it('when the service key or the user token is missing, then 401', async () => {
    const checks = [item(randomUUID(), 'view')];
    expect((await checkAll(as('viewer'), checks, asService())).status).toBe(401);
    expect((await checkAll(as('viewer'), checks, identityHeader({}))).status).toBe(401);
  });

  it('when a batch of 100 distinct items is checked, then the data layer is read twice, not per item; once when the facts are cached', async () => {
    const pool = new Pool({ connectionString: t.ctx.databaseUrl, max: 2 });
    try {
      const real = createAccessRepository(t.ctx.deps.prisma, pool);
      const calls: string[] = [];
      const counting = new Proxy(real, {
        get: (target, name: keyof AccessRepository) => {
          const fn = (target[name] as (...args: unknown[]) => unknown).bind(target);
          return (...args: unknown[]) => {
            calls.push(name);
            return fn(...args);
          };
        },
      });
      const registered = await Promise.all(Array.from({ length: 100 }, (_, i) => register({ visibility: i === 0 ? 'workspace' : 'private' })));
      const checks = registered.map((r) => ({ service_name: 'docs', resource_type: 'document', resource_id: r.resourceId, action: 'view' as const }));
      const checker = createChecks(counting, createRevisionCache(1000));
      const run = () => checker.check({ app_id: randomUUID(), service_name: 'docs' }, testUser({ user_id: users.viewer!, workspace_id: ws }), checks);
      expect((await run()).filter((r) => r.allowed)).toHaveLength(1);
      expect(calls.sort()).toEqual(['resourceFacts', 'standing']);
      calls.length = 0;
      expect((await run()).filter((r) => r.allowed)).toHaveLength(1);
      expect(calls).toEqual(['standing']);
    } finally {
      await pool.end();
    }
  });
});
