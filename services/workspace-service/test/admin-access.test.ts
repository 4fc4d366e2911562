import { identityHeader, testService, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { seedAdmin } from './admin-support';
import { seedWorkspace } from './support';

type Method = 'get' | 'post' | 'patch' | 'delete';

/** Every admin route this service answers; :ws, :user and :group are filled in with real ids. */
const ROUTES: Array<{ method: Method; path: string; body?: object }> = [
  { method: 'get', path: '/admin/users' },
  { method: 'post', path: '/admin/users/bulk-status', body: { user_ids: [':user'], is_active: false } },
  { method: 'get', path: '/admin/users/:user' },
  { method: 'patch', path: '/admin/users/:user', body: { is_active: false, is_admin: true } },
  { method: 'post', path: '/admin/users/:user/workspaces', body: { workspace_id: ':other', role: 'owner' } },
  { method: 'post', path: '/admin/users/:user/revoke-tokens' },
  { method: 'get', path: '/admin/workspaces' },
  { method: 'get', path: '/admin/workspaces/all' },
  { method: 'post', path: '/admin/workspaces', body: { name: 'Sneaky', slug: 'sneaky' } },
  { method: 'get', path: '/admin/workspaces/:ws' },
  { method: 'patch', path: '/admin/workspaces/:ws', body: { name: 'Taken over' } },
  { method: 'delete', path: '/admin/workspaces/:ws' },
  { method: 'get', path: '/admin/workspaces/:ws/members' },
  { method: 'post', path: '/admin/workspaces/:ws/members/invite', body: { email: 'x@example.com', role: 'owner' } },
  { method: 'patch', path: '/admin/workspaces/:ws/members/:user', body: { role: 'owner' } },
  { method: 'delete', path: '/admin/workspaces/:ws/members/:user' },
  { method: 'get', path: '/admin/workspaces/:ws/groups' },
  { method: 'post', path: '/admin/workspaces/:ws/groups', body: { name: 'Sneaky' } },
  { method: 'patch', path: '/admin/groups/:group', body: { name: 'Renamed' } },
  { method: 'delete', path: '/admin/groups/:group' },
  { method: 'get', path: '/admin/groups/:group/members' },
  { method: 'post', path: '/admin/groups/:group/members/:user' },
  { method: 'delete', path: '/admin/groups/:group/members/:user' },
  { method: 'get', path: '/admin/stats' },
];

describe('admin routes without an admin identity', () => {
  const t = useServiceApp(loadConfig, createApp);
  const prisma = () => t.ctx.deps.prisma;

  async function setup() {
    const w = await seedWorkspace(prisma(), ['owner', 'admin', 'editor', 'viewer']);
    const other = await seedWorkspace(prisma(), ['owner']);
    const group = await prisma().group.create({ data: { workspaceId: w.id, name: 'Team' } });
    const user = w.members[3]!;
    const fill = (text: string) =>
      text.replaceAll(':ws', w.id).replaceAll(':user', user.id).replaceAll(':group', group.id).replaceAll(':other', other.id);
    const snapshot = async () => ({
      users: await prisma().user.findMany({ orderBy: { id: 'asc' } }),
      workspaces: await prisma().workspace.findMany({ orderBy: { id: 'asc' } }),
      members: await prisma().workspaceMembership.findMany({ orderBy: { id: 'asc' } }),
      groups: await prisma().group.findMany({ orderBy: { id: 'asc' } }),
      groupMembers: await prisma().groupMembership.count(),
      invitations: await prisma().invitation.count(),
      log: await prisma().activityLog.count(),
    });
    return { w, fill, snapshot };
  }

  const call = (route: (typeof ROUTES)[number], fill: (s: string) => string, headers: Record<string, string>) => {
    const req = request(t.app)[route.method](fill(route.path)).set(headers);
    return route.body ? req.send(JSON.parse(fill(JSON.stringify(route.body))) as object) : req;
  };

  it('when a user token of any role (owner included, or of an is_admin user) or a service key calls them, then 403 everywhere and nothing changes', async () => {
    const { w, fill, snapshot } = await setup();
    const flagged = await seedAdmin(prisma());
    const callers = {
      ...Object.fromEntries(
        w.members.map((m) => [m.role, identityHeader({ user: testUser({ user_id: m.id, workspace_id: w.id, workspace_role: m.role }) })]),
      ),
      'is_admin user with a user token': identityHeader({ user: testUser({ user_id: flagged.id, workspace_id: w.id, workspace_role: 'owner' }) }),
      'service key': identityHeader({ service: testService() }),
    };
    const before = await snapshot();
    for (const [who, headers] of Object.entries(callers)) {
      for (const route of ROUTES) {
        const res = await call(route, fill, headers);
        const label = `${who}: ${route.method} ${route.path}`;
        expect({ label, status: res.status, detail: res.body.detail }).toEqual({ label, status: 403, detail: 'Not an admin' });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('when there is no identity at all, then 401 everywhere', async () => {
    const { fill } = await setup();
    for (const route of ROUTES) {
      const res = await call(route, fill, identityHeader({}));
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({ route: `${route.method} ${route.path}`, status: 401 });
    }
  });
});
