import { randomUUID } from 'node:crypto';
import { useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { asService, asUser, registerBody, seeder, type TokenClaims } from './support';

type Action = 'view' | 'edit';

describe('POST /permissions/accessible', () => {
  const t = useServiceApp(loadConfig, createApp);
  const seed = seeder(() => t.ctx.deps.prisma);
  let ws: string;
  let otherWs: string;
  let owner: string;
  let admin: string;
  let editor: string;
  let viewer: string;
  /** resource ids by what makes them reachable, all of type `document` in `ws` */
  const r: Record<string, string> = {};
  let allDocuments: string[];

  const register = async (over: Record<string, unknown>) => {
    const body = registerBody({ workspace_id: ws, owner_id: owner, ...over });
    const res = await request(t.app)
      .post('/permissions/register')
      .set(asService(body.service_name))
      .send(body);
    expect(res.status).toBe(201);
    return { id: res.body.id as string, resourceId: body.resource_id as string };
  };
  const share = async (id: string, grantee_type: 'user' | 'group', grantee_id: string, permission: Action) => {
    const res = await request(t.app)
      .post(`/permissions/${id}/share`)
      .set(asUser({ user_id: owner, workspace_id: ws }))
      .send({ grantee_type, grantee_id, permission });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    ws = await seed.workspace();
    otherWs = await seed.workspace();
    owner = await seed.user(ws, 'viewer');
    admin = await seed.user(ws, 'admin');
    editor = await seed.user(ws, 'editor');
    viewer = await seed.user(ws, 'viewer');
    const group = await seed.group(ws, [viewer]);
    r.ownedByViewer = (await register({ owner_id: viewer })).resourceId;
    r.visible = (await register({ visibility: 'workspace' })).resourceId;
    r.private = (await register({})).resourceId;
    const userView = await register({});
    await share(userView.id, 'user', viewer, 'view');
    r.userView = userView.resourceId;
    const userEdit = await register({});
    await share(userEdit.id, 'user', viewer, 'edit');
    r.userEdit = userEdit.resourceId;
    const groupView = await register({});
    await share(groupView.id, 'group', group, 'view');
    r.groupView = groupView.resourceId;
    const groupEdit = await register({});
    await share(groupEdit.id, 'group', group, 'edit');
    r.groupEdit = groupEdit.resourceId;
    allDocuments = Object.values(r).sort();
    // Noise that no answer may include: another type, another service, another workspace.
    await register({ resource_type: 'sheet', visibility: 'workspace', owner_id: viewer });
    await register({ service_name: 'billing', visibility: 'workspace', owner_id: viewer });
    await register({ workspace_id: otherWs, visibility: 'workspace' });
  });

  const claims = (userId: string, over: Partial<TokenClaims> = {}): TokenClaims => ({ user_id: userId, workspace_id: ws, ...over });
  const accessible = (by: TokenClaims, body: Record<string, unknown> = {}, service = 'docs') =>
    request(t.app)
      .post('/permissions/accessible')
      .set(asUser(by, service))
      .send({ service_name: 'docs', resource_type: 'document', action: 'view', workspace_id: ws, ...body });
  const check = async (by: TokenClaims, ids: string[], action: Action) => {
    const res = await request(t.app)
      .post('/permissions/check')
      .set(asUser(by))
      .send({ checks: ids.map((id) => ({ service_name: 'docs', resource_type: 'document', resource_id: id, action })) });
    return ids.filter((_, i) => res.body.results[i].allowed);
  };
  /** Follows next_cursor to the end with pages of `limit`. */
  const allPages = async (by: TokenClaims, action: Action, limit: number) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await accessible(by, { action, limit, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.resource_ids.length).toBeLessThanOrEqual(limit);
      ids.push(...res.body.resource_ids);
      if (res.body.complete) {
        expect(res.body.next_cursor).toBeUndefined();
        return ids;
      }
      cursor = res.body.next_cursor;
      expect(typeof cursor).toBe('string');
    }
    throw new Error('the list never completed');
  };

  it('when a viewer asks for view without a limit, then every reachable id in resource-id order, complete', async () => {
    const res = await accessible(claims(viewer));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resource_ids: [r.ownedByViewer, r.visible, r.userView, r.userEdit, r.groupView, r.groupEdit].sort(),
      has_full_access: false,
      complete: true,
    });
  });

  it('when a viewer asks for edit, then owned and edit shares only; an editor also gets workspace-visible ones', async () => {
    expect((await accessible(claims(viewer), { action: 'edit' })).body.resource_ids).toEqual([r.ownedByViewer, r.userEdit, r.groupEdit].sort());
    expect((await accessible(claims(editor), { action: 'edit' })).body.resource_ids).toEqual([r.visible]);
  });

  it('when paged with any limit, then the pages concatenate to the full list, none truncated silently', async () => {
    const full = (await accessible(claims(viewer))).body.resource_ids as string[];
    for (const limit of [1, 2, 3, 6, 7]) expect(await allPages(claims(viewer), 'view', limit)).toEqual(full);
    const exact = await accessible(claims(viewer), { limit: 6 });
    expect(exact.body).toMatchObject({ complete: true, resource_ids: full });
    const short = await accessible(claims(viewer), { limit: 5 });
    expect(short.body).toMatchObject({ complete: false, resource_ids: full.slice(0, 5), next_cursor: expect.any(String) });
  });

  it('when compared with check, then accessible is exactly the set check allows, for every user and action', async () => {
    for (const userId of [owner, editor, viewer]) {
      for (const action of ['view', 'edit'] as const) {
        const listed = (await accessible(claims(userId), { action })).body.resource_ids;
        expect(listed).toEqual(await check(claims(userId), allDocuments, action));
      }
    }
  });

  it('when an admin or owner asks without a limit, then has_full_access and no ids (0.7)', async () => {
    expect((await accessible(claims(admin, { workspace_role: 'admin' }))).body).toEqual({
      resource_ids: [],
      has_full_access: true,
      complete: true,
    });
  });

  it("when an admin asks with a limit, then pages of the workspace's ids of that type, with has_full_access", async () => {
    const first = await accessible(claims(admin), { limit: 3, action: 'edit' });
    expect(first.body).toMatchObject({ resource_ids: allDocuments.slice(0, 3), has_full_access: true, complete: false });
    expect(await allPages(claims(admin), 'edit', 3)).toEqual(allDocuments);
  });

  it('when the token says admin but the database says viewer, then the viewer answer', async () => {
    const res = await accessible(claims(viewer, { workspace_role: 'admin' }));
    expect(res.body.has_full_access).toBe(false);
    expect(res.body.resource_ids).not.toContain(r.private);
  });

  it('when the user leaves a group in the database, then the next list drops what the group gave', async () => {
    const member = await seed.user(ws, 'viewer');
    const group = await seed.group(ws, [member]);
    const shared = await register({});
    await share(shared.id, 'group', group, 'view');
    expect((await accessible(claims(member, { groups: [group] }))).body.resource_ids).toContain(shared.resourceId);
    await seed.removeFromGroup(group, member);
    expect((await accessible(claims(member, { groups: [group] }))).body.resource_ids).not.toContain(shared.resourceId);
  });

  it('when the workspace_id is the same uuid in upper case, then it is the same workspace', async () => {
    const res = await accessible(claims(viewer), { workspace_id: ws.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.resource_ids).toContain(r.visible);
  });

  it('when the user is not a member of the workspace (any more), then nothing', async () => {
    const leaver = await seed.user(ws, 'editor');
    await seed.removeMember(ws, leaver);
    expect((await accessible(claims(leaver, { workspace_role: 'owner' }))).body).toEqual({
      resource_ids: [],
      has_full_access: false,
      complete: true,
    });
  });

  it("when the workspace_id is not the token's, then 403; another service's name, then 403", async () => {
    const cross = await accessible(claims(viewer), { workspace_id: otherWs });
    expect(cross.status).toBe(403);
    expect(cross.body).toEqual({ detail: 'Cross-workspace lookup not allowed' });
    expect((await accessible(claims(viewer), {}, 'billing')).status).toBe(403);
    expect((await accessible(claims(viewer), { service_name: 'billing' })).status).toBe(403);
  });

  it('when the cursor is forged or the body is invalid, then 422', async () => {
    for (const body of [
      { cursor: 'garbage', limit: 2 },
      { cursor: Buffer.from(JSON.stringify({ v: 1, after: "'; drop table x" })).toString('base64url') },
      { limit: 0 },
      { limit: 10_001 },
      { action: 'delete' },
      { workspace_id: 'nope' },
    ]) {
      expect((await accessible(claims(viewer), body)).status).toBe(422);
    }
    expect((await accessible(claims(viewer), { workspace_id: randomUUID() })).status).toBe(403);
  });
});
