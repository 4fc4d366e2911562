import { identityHeader, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { parseCsv } from '../src/csv';
import { asAdmin, seedAdmin } from './admin-support';
import { unique, type SeededUser } from './support';

describe('admin CSV exports', () => {
  const t = useServiceApp(loadConfig, createApp);
  const prisma = () => t.ctx.deps.prisma;
  let admin: SeededUser;
  beforeAll(async () => {
    admin = await seedAdmin(prisma());
  });
  const download = (what: 'users' | 'workspaces') => request(t.app).get(`/admin/export/${what}`).set(asAdmin(admin));
  const rowsById = (csv: string) => {
    const [header, ...rows] = parseCsv(csv);
    return { header, byId: new Map(rows.map((r) => [r[0], r])) };
  };

  it('when users are exported, then every cell is quoted as needed and formulas come out neutralised', async () => {
    const n = unique();
    const evil = await prisma().user.create({ data: { email: `evil.${n}@example.com`, name: '=cmd|" /C calc"!A0', isAdmin: true } });
    const commas = await prisma().user.create({ data: { email: `+plus.${n}@example.com`, name: 'Doe, "Jane"\nSecond line', isActive: false } });
    const ws = await prisma().workspace.create({ data: { slug: `ws-${n}`, name: 'W' } });
    await prisma().workspaceMembership.create({ data: { workspaceId: ws.id, userId: evil.id, role: 'viewer' } });

    const res = await download('users');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="users.csv"');
    expect(res.text).toContain(`"'=cmd|"" /C calc""!A0"`);
    expect(res.text).not.toMatch(/(^|,)=cmd/m);
    const { header, byId } = rowsById(res.text);
    expect(header).toEqual(['id', 'email', 'name', 'is_active', 'is_admin', 'created_at', 'workspace_count']);
    expect(byId.get(evil.id)).toEqual([evil.id, evil.email, `'=cmd|" /C calc"!A0`, 'true', 'true', evil.createdAt.toISOString(), '1']);
    expect(byId.get(commas.id)).toEqual([commas.id, `'${commas.email}`, 'Doe, "Jane"\nSecond line', 'false', 'false', expect.any(String), '0']);
    expect(res.headers).toMatchObject({ 'x-export-total': String(await prisma().user.count()), 'x-export-truncated': 'false' });
    expect(byId.size).toBe(await prisma().user.count());
    const logged = await prisma().activityLog.findFirst({ where: { action: 'users_exported', actorId: admin.id } });
    expect(logged?.detail).toEqual({ count: byId.size, truncated: false });
  });

  it('when workspaces are exported, then they carry member counts and neutralised text', async () => {
    const n = unique();
    const owner = await prisma().user.create({ data: { email: `owner.${n}@example.com`, name: 'Owner' } });
    const ws = await prisma().workspace.create({
      data: { slug: `exp-${n}`, name: '@SUM(1+1)', description: '-2+3', createdById: owner.id },
    });
    await prisma().workspaceMembership.create({ data: { workspaceId: ws.id, userId: owner.id, role: 'owner' } });
    const res = await download('workspaces');
    expect(res.status).toBe(200);
    const { header, byId } = rowsById(res.text);
    expect(header).toEqual(['id', 'slug', 'name', 'description', 'created_by', 'created_at', 'member_count']);
    expect(byId.get(ws.id)).toEqual([ws.id, ws.slug, "'@SUM(1+1)", "'-2+3", owner.id, ws.createdAt.toISOString(), '1']);
    expect(await prisma().activityLog.count({ where: { action: 'workspaces_exported', actorId: admin.id } })).toBe(1);
  });

  it('when the caller is not an admin, then 403 and nothing is logged', async () => {
    const before = await prisma().activityLog.count();
    for (const what of ['users', 'workspaces']) {
      const res = await request(t.app).get(`/admin/export/${what}`).set(identityHeader({ user: testUser({ workspace_role: 'owner' }) }));
      expect(res.status).toBe(403);
    }
    expect(await prisma().activityLog.count()).toBe(before);
  });
});
