import { useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { activityActions, asRole, seedUser, seedWorkspace, unique } from './support';

const DAY = 24 * 3600 * 1000;

describe('invitations', () => {
  const t = useServiceApp(loadConfig, createApp);
  const prisma = () => t.ctx.deps.prisma;
  const invite = (w: { id: string }, who: Record<string, string>, body: unknown) =>
    request(t.app).post(`/workspaces/${w.id}/members/invite`).set(who).send(body as object);

  it('when an admin invites an existing user (email in any case), then 201 with the member, who is added and logged', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin']);
    const user = await seedUser(prisma());
    const res = await invite(w, asRole(w, 'admin'), { email: `  ${user.email.toUpperCase()} `, role: 'editor' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ user_id: user.id, email: user.email, name: user.name, avatar_url: null, role: 'editor', joined_at: expect.any(String) });
    expect((await prisma().workspaceMembership.findFirstOrThrow({ where: { workspaceId: w.id, userId: user.id } })).role).toBe('editor');
    expect(await activityActions(prisma(), w.id)).toEqual(['member_invited']);
  });

  it('when the role is left out, then the user joins as viewer', async () => {
    const w = await seedWorkspace(prisma(), ['owner']);
    const user = await seedUser(prisma());
    expect((await invite(w, asRole(w, 'owner'), { email: user.email })).body.role).toBe('viewer');
  });

  it('when the user is already a member, then 409', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'editor']);
    const res = await invite(w, asRole(w, 'owner'), { email: w.members[1]!.email, role: 'viewer' });
    expect(res.status).toBe(409);
  });

  it('when the email is unknown, then 201 with a pending invitation (lower-cased, 7 days), listed for admins and logged', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin']);
    const email = `New.Person-${unique()}@Example.com`;
    const before = Date.now();
    const res = await invite(w, asRole(w, 'admin'), { email, role: 'editor' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ invitation_id: expect.any(String), email: email.toLowerCase(), role: 'editor', status: 'pending', expires_at: expect.any(String) });
    const expires = Date.parse(res.body.expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 7 * DAY - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * DAY + 1000);
    expect(await prisma().workspaceMembership.count({ where: { workspaceId: w.id } })).toBe(2);
    expect(await activityActions(prisma(), w.id)).toEqual(['member_invited']);

    const list = await request(t.app).get(`/workspaces/${w.id}/invitations`).set(asRole(w, 'admin'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([res.body]);

    expect((await invite(w, asRole(w, 'admin'), { email, role: 'viewer' })).status).toBe(409);
  });

  it('when a pending invitation has expired, then inviting again renews it', async () => {
    const w = await seedWorkspace(prisma(), ['owner']);
    const email = `late-${unique()}@example.com`;
    const first = await invite(w, asRole(w, 'owner'), { email, role: 'viewer' });
    await prisma().invitation.update({ where: { id: first.body.invitation_id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await request(t.app).get(`/workspaces/${w.id}/invitations`).set(asRole(w, 'owner'))).body).toEqual([]);
    const again = await invite(w, asRole(w, 'owner'), { email, role: 'admin' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ invitation_id: first.body.invitation_id, role: 'admin' });
    expect(Date.parse(again.body.expires_at)).toBeGreaterThan(Date.now() + 6 * DAY);
  });

  it('when two admins invite the same unknown email at once, then one 201 and one 409', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin']);
    const email = `twice-${unique()}@example.com`;
    const results = await Promise.all([invite(w, asRole(w, 'owner'), { email }), invite(w, asRole(w, 'admin'), { email })]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await prisma().invitation.count({ where: { workspaceId: w.id } })).toBe(1);
  });

  it('when an admin invites someone as owner, then 403; an owner may', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin']);
    expect((await invite(w, asRole(w, 'admin'), { email: `o-${unique()}@example.com`, role: 'owner' })).status).toBe(403);
    expect((await invite(w, asRole(w, 'owner'), { email: `o-${unique()}@example.com`, role: 'owner' })).status).toBe(201);
  });

  it.each([
    ['no email', { role: 'viewer' }],
    ['an invalid email', { email: 'not-an-email', role: 'viewer' }],
    ['an unknown role', { email: 'a@example.com', role: 'root' }],
  ])('when the body has %s, then 422', async (_label, body) => {
    const w = await seedWorkspace(prisma(), ['owner']);
    expect((await invite(w, asRole(w, 'owner'), body)).status).toBe(422);
  });

  it('when an admin revokes a pending invitation, then 204, it is no longer listed, and revoking again is 404', async () => {
    const w = await seedWorkspace(prisma(), ['owner', 'admin']);
    const created = await invite(w, asRole(w, 'admin'), { email: `gone-${unique()}@example.com` });
    const id = created.body.invitation_id as string;
    const del = () => request(t.app).delete(`/workspaces/${w.id}/invitations/${id}`).set(asRole(w, 'admin'));
    expect((await del()).status).toBe(204);
    expect((await request(t.app).get(`/workspaces/${w.id}/invitations`).set(asRole(w, 'admin'))).body).toEqual([]);
    expect((await prisma().invitation.findUniqueOrThrow({ where: { id } })).status).toBe('revoked');
    expect(await activityActions(prisma(), w.id)).toEqual(['member_invited', 'invitation_revoked']);
    expect((await del()).status).toBe(404);
  });

  it("when an admin revokes another workspace's invitation by id, then 404 and it stays pending", async () => {
    const mine = await seedWorkspace(prisma(), ['owner']);
    const theirs = await seedWorkspace(prisma(), ['owner']);
    const created = await invite(theirs, asRole(theirs, 'owner'), { email: `x-${unique()}@example.com` });
    const res = await request(t.app).delete(`/workspaces/${mine.id}/invitations/${created.body.invitation_id}`).set(asRole(mine, 'owner'));
    expect(res.status).toBe(404);
    expect((await prisma().invitation.findUniqueOrThrow({ where: { id: created.body.invitation_id } })).status).toBe('pending');
    expect((await request(t.app).delete(`/workspaces/${mine.id}/invitations/not-a-uuid`).set(asRole(mine, 'owner'))).status).toBe(422);
  });
});
