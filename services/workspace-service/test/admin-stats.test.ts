import { useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { asAdmin, seedAdmin } from './admin-support';
import { seedUser, seedWorkspace } from './support';

describe('GET /admin/stats', () => {
  const t = useServiceApp(loadConfig, createApp);
  const prisma = () => t.ctx.deps.prisma;

  it('when called, then exactly the 0.7 shape: totals, the five newest users and the five largest workspaces', async () => {
    const admin = await seedAdmin(prisma());
    const workspaces = [];
    for (let size = 1; size <= 6; size += 1) {
      workspaces.push(await seedWorkspace(prisma(), Array.from({ length: size }, (_, i) => (i === 0 ? 'owner' : 'viewer'))));
    }
    const largest = workspaces[5]!;
    await prisma().group.create({ data: { workspaceId: largest.id, name: 'G' } });
    await prisma().resourcePermission.create({
      data: { serviceName: 'docs', resourceType: 'doc', resourceId: '00000000-0000-4000-8000-000000000001', workspaceId: largest.id, visibility: 'workspace' },
    });
    const inactive = await seedUser(prisma());
    // The newest user for certain (creation times of users seeded just before may share a millisecond).
    await prisma().user.update({ where: { id: inactive.id }, data: { isActive: false, createdAt: new Date(Date.now() + 60_000) } });

    const res = await request(t.app).get('/admin/stats').set(asAdmin(admin));

    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      ['active_users', 'inactive_users', 'recent_users', 'top_workspaces', 'total_groups', 'total_resources', 'total_users', 'total_workspaces'].sort(),
    );
    // 1 admin + 21 members + 1 inactive user.
    expect(res.body).toMatchObject({ total_users: 23, active_users: 22, inactive_users: 1, total_workspaces: 6, total_groups: 1, total_resources: 1 });
    expect(res.body.recent_users).toHaveLength(5);
    expect(res.body.recent_users[0]).toEqual({
      id: inactive.id,
      email: inactive.email,
      name: inactive.name,
      avatar_url: null,
      is_active: false,
      is_admin: false,
      created_at: expect.any(String),
      workspace_count: 0,
    });
    expect(res.body.top_workspaces).toEqual(
      workspaces
        .slice(1)
        .reverse()
        .map((w) => ({ id: w.id, name: `Workspace ${w.slug}`, slug: w.slug, member_count: w.members.length })),
    );
  });
});
