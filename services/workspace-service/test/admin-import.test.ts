import { identityHeader, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { CSV_IMPORT_LIMIT_BYTES } from '../src/http/admin-import';
import { asAdmin, seedAdmin } from './admin-support';
import { seedUser, seedWorkspace, unique, type SeededUser, type SeededWorkspace } from './support';

describe('admin CSV import', () => {
  const t = useServiceApp(loadConfig, createApp);
  const prisma = () => t.ctx.deps.prisma;
  let admin: SeededUser;
  let ws: SeededWorkspace;
  beforeAll(async () => {
    admin = await seedAdmin(prisma());
    ws = await seedWorkspace(prisma(), ['owner']);
  });

  const upload = (step: 'preview' | 'execute', csv: string | Buffer, field = 'file') =>
    request(t.app)
      .post(`/admin/import/csv/${step}`)
      .set(asAdmin(admin))
      .attach(field, Buffer.isBuffer(csv) ? csv : Buffer.from(csv), { filename: 'users.csv', contentType: 'text/csv' });
  const membership = (email: string) => prisma().workspaceMembership.findFirst({ where: { workspace: { id: ws.id }, user: { email } } });

  it('when previewed, then every row is normalised or carries its error, and nothing is written', async () => {
    const n = unique();
    const csv = [
      'email,name,workspace_slug,role',
      `Ada.${n}@Example.COM,<b>Ada</b> Lovelace,${ws.slug},Editor`,
      `not-an-email,Bob,${ws.slug},viewer`,
      `carol.${n}@example.com,Carol,no-such-ws-${n},viewer`,
      `dave.${n}@example.com,Dave,${ws.slug},superuser`,
      `ada.${n}@example.com,Ada again,${ws.slug},viewer`,
      `erin.${n}@example.com,Erin,${ws.slug}`,
    ].join('\r\n');
    const before = await prisma().user.count();
    const res = await upload('preview', csv);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      rows: [
        { email: `ada.${n}@example.com`, name: 'Ada Lovelace', workspace_slug: ws.slug, role: 'editor', error: null },
        { email: 'not-an-email', name: 'Bob', workspace_slug: ws.slug, role: 'viewer', error: expect.stringMatching(/^email: /) },
        { email: `carol.${n}@example.com`, name: 'Carol', workspace_slug: `no-such-ws-${n}`, role: 'viewer', error: `Unknown workspace "no-such-ws-${n}"` },
        { email: `dave.${n}@example.com`, name: 'Dave', workspace_slug: ws.slug, role: 'superuser', error: expect.stringMatching(/^role: /) },
        { email: `ada.${n}@example.com`, name: 'Ada again', workspace_slug: ws.slug, role: 'viewer', error: 'Duplicate of row 1' },
        { email: `erin.${n}@example.com`, name: 'Erin', workspace_slug: ws.slug, role: '', error: 'Expected 4 fields, found 3' },
      ],
      valid_count: 1,
      error_count: 5,
    });
    expect(await prisma().user.count()).toBe(before);
  });

  it('when one row of an execute is bad, then nothing at all is applied and the row is reported', async () => {
    const n = unique();
    const csv = `email,name,workspace_slug,role\nfine.${n}@example.com,Fine,${ws.slug},viewer\nbad.${n}@example.com,,${ws.slug},viewer\n`;
    const users = await prisma().user.count();
    const entries = await prisma().activityLog.count();
    const res = await upload('execute', csv);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      users_created: 0,
      memberships_added: 0,
      errors: [{ row: 2, email: `bad.${n}@example.com`, error: expect.stringMatching(/^name: /) }],
    });
    expect(await prisma().user.count()).toBe(users);
    expect(await prisma().user.findUnique({ where: { email: `fine.${n}@example.com` } })).toBeNull();
    expect(await prisma().activityLog.count()).toBe(entries);
  });

  it('when every row is good, then users are pre-provisioned, memberships added, existing ones skipped, and it is logged', async () => {
    const n = unique();
    const existing = await seedUser(prisma(), 'Existing');
    const member = ws.members[0]!;
    const other = await seedWorkspace(prisma(), ['owner']);
    const csv = [
      'role,workspace_slug,name,email', // any column order
      `editor,${ws.slug},<script>x</script>New One,NEW.${n}@example.com`,
      `admin,${other.slug},New One,new.${n}@example.com`,
      `viewer,${ws.slug},Ignored Name,${existing.email}`,
      `viewer,${ws.slug},Already Member,${member.email}`,
    ].join('\n');
    const res = await upload('execute', `\uFEFF${csv}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ users_created: 1, memberships_added: 3, errors: [] });
    const created = await prisma().user.findUniqueOrThrow({ where: { email: `new.${n}@example.com` }, include: { socialAccounts: true } });
    expect(created).toMatchObject({ name: 'New One', isActive: true, isAdmin: false, socialAccounts: [] });
    expect((await membership(`new.${n}@example.com`))?.role).toBe('editor');
    expect((await membership(existing.email))?.role).toBe('viewer');
    expect((await membership(member.email))?.role).toBe('owner'); // skipped, not overwritten
    expect((await prisma().user.findUniqueOrThrow({ where: { id: existing.id } })).name).toBe(existing.name);
    const logged = await prisma().activityLog.findFirst({ where: { action: 'csv_import_executed', actorId: admin.id }, orderBy: { createdAt: 'desc' } });
    expect(logged?.detail).toMatchObject({ rows: 4, users_created: 1, memberships_added: 3 });
    // Each user and membership it made is logged too, as the single routes log them.
    const each = await prisma().activityLog.findMany({ where: { actorId: admin.id, action: { in: ['user_created', 'member_added'] }, targetId: { in: [created.id, existing.id] } } });
    expect(each.map((e) => [e.action, e.targetId, e.workspaceId, e.detail]).sort()).toEqual(
      [
        ['user_created', created.id, null, { email: `new.${n}@example.com`, via: 'csv_import' }],
        ['member_added', created.id, ws.id, { role: 'editor', via: 'csv_import' }],
        ['member_added', created.id, other.id, { role: 'admin', via: 'csv_import' }],
        ['member_added', existing.id, ws.id, { role: 'viewer', via: 'csv_import' }],
      ].sort(),
    );
  });

  it('when the same file is executed three times at once, then each user and membership exists once and the counts add up', async () => {
    const n = unique();
    const rows = Array.from({ length: 20 }, (_, i) => `race${i}.${n}@example.com,Racer ${i},${ws.slug},viewer`);
    const csv = ['email,name,workspace_slug,role', ...rows].join('\n');
    const results = await Promise.all([upload('execute', csv), upload('execute', csv), upload('execute', csv)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const sum = (key: 'users_created' | 'memberships_added') => results.reduce((acc, r) => acc + (r.body[key] as number), 0);
    expect(sum('users_created')).toBe(20);
    expect(sum('memberships_added')).toBe(20);
    expect(await prisma().user.count({ where: { email: { endsWith: `.${n}@example.com` } } })).toBe(20);
    expect(await prisma().workspaceMembership.count({ where: { workspaceId: ws.id, user: { email: { endsWith: `.${n}@example.com` } } } })).toBe(20);
  });

  it.each([
    ['an empty file', '', /empty/],
    ['a header only', 'email,name,workspace_slug,role\n', /no data rows/],
    ['a missing column', 'email,name,role\na@example.com,A,viewer\n', /header must name the columns email,name,workspace_slug,role/],
    ['a misspelled column', 'Email,name,workspace_slug,role\na@example.com,A,x,viewer\n', /header/],
    ['an extra column', 'email,name,workspace_slug,role,age\na@example.com,A,x,viewer,3\n', /header/],
    ['broken quoting', 'email,name,workspace_slug,role\n"a@example.com,A,x,viewer\n', /not valid CSV/],
    ['Latin-1 bytes', Buffer.from('email,name,workspace_slug,role\na@example.com,Ren\xe9,x,viewer\n', 'latin1'), /UTF-8/],
  ])('when the file is %s, then 422 with a clear detail', async (_what, csv, detail) => {
    for (const step of ['preview', 'execute'] as const) {
      const res = await upload(step, csv);
      expect({ step, status: res.status }).toEqual({ step, status: 422 });
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('when the body is not multipart or has no file field, then 415 / 400', async () => {
    const json = await request(t.app).post('/admin/import/csv/preview').set(asAdmin(admin)).send({ file: 'email,name' });
    expect(json.status).toBe(415);
    expect(json.body.detail).toMatch(/multipart/);
    const wrongField = await upload('preview', 'email,name,workspace_slug,role\n', 'upload');
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.detail).toMatch(/"file"/);
  });

  it('when the file is over 5 MiB, then 413 and nothing is read', async () => {
    const big = Buffer.alloc(CSV_IMPORT_LIMIT_BYTES + 1, 'a');
    const res = await upload('execute', big);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ detail: 'Request body too large' });
  });

  it('when the caller is not an admin, then 403 and nothing is imported', async () => {
    const res = await request(t.app)
      .post('/admin/import/csv/execute')
      .set(identityHeader({ user: testUser({ workspace_role: 'owner' }) }))
      .attach('file', Buffer.from(`email,name,workspace_slug,role\nx.${unique()}@example.com,X,${ws.slug},viewer\n`), 'u.csv');
    expect(res.status).toBe(403);
  });
});
