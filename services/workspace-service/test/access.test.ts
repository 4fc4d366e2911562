import type { WorkspaceRole } from '@sentinel/http';
import { useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { as, asRole, seedWorkspace, type SeededWorkspace } from './support';

type Method = 'get' | 'post' | 'patch' | 'delete';
interface Route {
  method: Method;
  path: string;
  body?: object;
  /** The lowest role allowed. */
  min: WorkspaceRole;
}

/** Every route with a workspace in its path; ids are filled in for the workspace under test. */
const ROUTES: Route[] = [
  { method: 'get', path: '/workspaces/:ws', min: 'viewer' },
  { method: 'patch', path: '/workspaces/:ws', body: { name: 'Renamed' }, min: 'admin' },
  { method: 'delete', path: '/workspaces/:ws', min: 'owner' },
  { method: 'get', path: '/workspaces/:ws/members', min: 'viewer' },
  { method: 'post', path: '/workspaces/:ws/members/invite', body: { email: 'new@example.com', role: 'viewer' }, min: 'admin' },
  { method: 'patch', path: '/workspaces/:ws/members/:user', body: { role: 'viewer' }, min: 'admin' },
  { method: 'delete', path: '/workspaces/:ws/members/:user', min: 'admin' },
  { method: 'get', path: '/workspaces/:ws/invitations', min: 'admin' },
  { method: 'delete', path: '/workspaces/:ws/invitations/:inv', min: 'admin' },
  { method: 'post', path: '/workspaces/:ws/groups', body: { name: 'New group' }, min: 'admin' },
  { method: 'get', path: '/workspaces/:ws/groups', min: 'viewer' },
  { method: 'patch', path: '/workspaces/:ws/groups/:group', body: { name: 'Renamed' }, min: 'admin' },
  { method: 'delete', path: '/workspaces/:ws/groups/:group', min: 'admin' },
  { method: 'get', path: '/workspaces/:ws/groups/:group/members', min: 'viewer' },
  { method: 'post', path: '/workspaces/:ws/groups/:group/members/:user', min: 'admin' },
  { method: 'delete', path: '/workspaces/:ws/groups/:group/members/:user', min: 'admin' },
];

const RANK: WorkspaceRole[] = ['viewer', 'editor', 'admin', 'owner'];

describe('workspace scope and roles', () => {
  const t = useServiceApp(loadConfig, createApp);
  const prisma = () => t.ctx.deps.prisma;

  /** A workspace with one member of each role, a group holding the editor, and a pending invitation. */
  async function populated() {
    const w = await seedWorkspace(prisma(), ['owner', 'admin', 'editor', 'viewer']);
    const editor = w.members[2]!;
    const group = await prisma().group.create({ data: { workspaceId: w.id, name: 'Team' } });
    await prisma().groupMembership.create({ data: { groupId: group.id, userId: editor.id } });
    const inv = await prisma().invitation.create({
      data: { workspaceId: w.id, email: `inv-${w.slug}@example.com`, role: 'viewer', expiresAt: new Date(Date.now() + 3_600_000) },
    });
    return { w, target: editor.id, group: group.id, inv: inv.id };
  }
  const fill = (path: string, ids: { w: SeededWorkspace; target: string; group: string; inv: string }) =>
    path.replace(':ws', ids.w.id).replace(':user', ids.target).replace(':group', ids.group).replace(':inv', ids.inv);

  async function snapshot(workspaceId: string) {
    const [workspace, members, groups, groupMembers, invitations, log] = await Promise.all([
      prisma().workspace.findUnique({ where: { id: workspaceId } }),
      prisma().workspaceMembership.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
      prisma().group.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
      prisma().groupMembership.findMany({ where: { group: { workspaceId } }, orderBy: { id: 'asc' } }),
      prisma().invitation.findMany({ where: { workspaceId }, orderBy: { id: 'asc' } }),
      prisma().activityLog.count({ where: { workspaceId } }),
    ]);
    return { workspace, members, groups, groupMembers, invitations, log };
  }

  it('when a token for workspace A (any role, owner included) is used on any route of workspace B, then 403 and B is untouched', async () => {
    const a = await seedWorkspace(prisma(), ['owner']);
    const b = await populated();
    const before = await snapshot(b.w.id);
    for (const route of ROUTES) {
      const res = await request(t.app)[route.method](fill(route.path, b)).set(asRole(a, 'owner')).send(route.body);
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({ route: `${route.method} ${route.path}`, status: 403 });
    }
    expect(await snapshot(b.w.id)).toEqual(before);
  });

  it("when a member of both workspaces uses their token for A on B's routes, then still 403", async () => {
    const a = await seedWorkspace(prisma(), ['owner']);
    const b = await populated();
    const both = a.members[0]!;
    await prisma().workspaceMembership.create({ data: { workspaceId: b.w.id, userId: both.id, role: 'owner' } });
    for (const route of ROUTES) {
      const res = await request(t.app)[route.method](fill(route.path, b)).set(as(both, a, 'owner')).send(route.body);
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({ route: `${route.method} ${route.path}`, status: 403 });
    }
  });

  for (const role of ['viewer', 'editor', 'admin'] as const) {
    it(`when ${role === 'viewer' ? 'a' : 'an'} ${role} calls a route that needs a higher role, then 403 and nothing changes`, async () => {
      const b = await populated();
      const before = await snapshot(b.w.id);
      const denied = ROUTES.filter((r) => RANK.indexOf(r.min) > RANK.indexOf(role));
      expect(denied.length).toBeGreaterThan(0);
      for (const route of denied) {
        const res = await request(t.app)[route.method](fill(route.path, b)).set(asRole(b.w, role)).send(route.body);
        expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({ route: `${route.method} ${route.path}`, status: 403 });
      }
      expect(await snapshot(b.w.id)).toEqual(before);
    });
  }

  it('when the path workspace is not a UUID, then 403 (it cannot be the token\'s)', async () => {
    const a = await seedWorkspace(prisma(), ['owner']);
    expect((await request(t.app).get('/workspaces/not-a-uuid/members').set(asRole(a, 'owner'))).status).toBe(403);
  });

  it('when there is no user identity (a service key only), then 401', async () => {
    const { identityHeader, testService } = await import('@sentinel/testing');
    const a = await seedWorkspace(prisma(), ['owner']);
    expect((await request(t.app).get(`/workspaces/${a.id}`).set(identityHeader({ service: testService() }))).status).toBe(401);
    expect((await request(t.app).post('/workspaces').set(identityHeader({ service: testService() })).send({ name: 'x', slug: 'xx' })).status).toBe(401);
  });
});
