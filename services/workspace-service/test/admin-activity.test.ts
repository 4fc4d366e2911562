import { randomUUID } from 'node:crypto';
import { identityHeader, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { parseCsv } from '../src/csv';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { asAdmin, seedAdmin } from './admin-support';
import { seedUser, unique, type SeededUser } from './support';

type Items<T> = { items: T[] };
const createdAts = (body: unknown) => (body as Items<{ created_at: string }>).items.map((i) => i.created_at);

describe('admin activity', () => {
  const t = useServiceApp(loadConfig, createApp);
  const prisma = () => t.ctx.deps.prisma;
  let admin: SeededUser;
  let actor: SeededUser;
  /** This file's entries carry an action of their own, so other tests' entries never interfere. */
  let action: string;
  const workspaceId = randomUUID();
  const targetId = randomUUID();
  const at = (iso: string) => new Date(iso);

  beforeAll(async () => {
    admin = await seedAdmin(prisma());
    actor = await seedUser(prisma(), 'Actor');
    action = `test_${unique()}`;
    const entry = (createdAt: string, extra: object = {}) =>
      prisma().activityLog.create({ data: { action, createdAt: at(createdAt), ...extra } });
    await entry('2026-01-01T10:00:00Z', { actorId: actor.id, targetType: 'workspace', targetId, workspaceId, detail: { n: 1 } });
    await entry('2026-01-02T10:00:00Z', { actorId: actor.id, targetType: 'group', workspaceId });
    await entry('2026-01-02T23:59:59.500Z', { targetType: 'group' });
    await entry('2026-01-03T00:00:00Z', { actorId: randomUUID(), targetType: 'user', detail: { name: '=HYPERLINK("x")' } });
  });

  const list = (query: Record<string, string | number>) =>
    request(t.app).get('/admin/activity').query({ action, ...query }).set(asAdmin(admin));

  it('when listed, then entries come newest first with the actor named, paginated', async () => {
    const res = await list({ page_size: 3 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 4, page: 1, page_size: 3 });
    expect(createdAts(res.body)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-02T23:59:59.500Z',
      '2026-01-02T10:00:00.000Z',
    ]);
    // The actor of the first entry no longer exists (no foreign key): named null, id kept.
    expect(res.body.items[0]).toMatchObject({ actor_id: expect.any(String), actor_name: null, actor_email: null });
    const page2 = await list({ page_size: 3, page: 2 });
    expect(page2.body.items).toEqual([
      {
        id: expect.any(String),
        action,
        actor_id: actor.id,
        actor_name: actor.name,
        actor_email: actor.email,
        target_type: 'workspace',
        target_id: targetId,
        workspace_id: workspaceId,
        detail: { n: 1 },
        created_at: '2026-01-01T10:00:00.000Z',
      },
    ]);
  });

  it('when entries share a timestamp, then the order is the same on every read (id breaks the tie)', async () => {
    const tied = `tied_${unique()}`;
    for (let i = 0; i < 6; i++) await prisma().activityLog.create({ data: { action: tied, createdAt: at('2026-02-01T00:00:00Z') } });
    const ids = async (page: number) => {
      const res = await request(t.app).get('/admin/activity').query({ action: tied, page, page_size: 2 }).set(asAdmin(admin));
      return (res.body as Items<{ id: string }>).items.map((i) => i.id);
    };
    const pages = [...(await ids(1)), ...(await ids(2)), ...(await ids(3))];
    expect(new Set(pages).size).toBe(6);
    expect(pages).toEqual([...pages].sort().reverse());
  });

  it('when filtered, then each filter narrows the list; a date-only to_date includes that whole day', async () => {
    const count = async (query: Record<string, string>) => (await list(query)).body.total as number;
    expect(await count({ target_type: 'group' })).toBe(2);
    expect(await count({ workspace_id: workspaceId })).toBe(2);
    expect(await count({ actor_id: actor.id })).toBe(2);
    expect(await count({ from_date: '2026-01-02', to_date: '2026-01-02' })).toBe(2);
    expect(await count({ from_date: '2026-01-02T12:00:00Z' })).toBe(2);
    expect(await count({ to_date: '2026-01-01T10:00:00Z' })).toBe(1);
    expect(await count({ action: 'no_such_action' })).toBe(0);
  });

  it.each([
    [{ workspace_id: 'nope' }, 'workspace_id'],
    [{ actor_id: '123' }, 'actor_id'],
    [{ from_date: 'yesterday' }, 'from_date'],
    [{ to_date: '2026-13-45' }, 'to_date'],
    [{ page_size: 101 }, 'page_size'],
    [{ page: 0 }, 'page'],
  ])('when a filter is malformed (%j), then 422 names it', async (query, field) => {
    const res = await list(query);
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain(field);
  });

  it('when exported as JSON with filters, then it holds the same entries and the export is logged', async () => {
    const res = await request(t.app).get('/admin/activity/export').query({ action, format: 'json', target_type: 'group' }).set(asAdmin(admin));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, truncated: false, limit: expect.any(Number) });
    expect(createdAts(res.body)).toEqual(['2026-01-02T23:59:59.500Z', '2026-01-02T10:00:00.000Z']);
    const logged = await prisma().activityLog.findFirst({ where: { action: 'activity_exported', actorId: admin.id }, orderBy: { createdAt: 'desc' } });
    expect(logged?.detail).toMatchObject({ format: 'json', count: 2, filters: { action, target_type: 'group' } });
  });

  it('when exported as CSV, then it is a download with every entry, formulas neutralised', async () => {
    const res = await request(t.app).get('/admin/activity/export').query({ action }).set(asAdmin(admin));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="activity.csv"');
    expect(res.headers).toMatchObject({ 'x-export-total': '4', 'x-export-truncated': 'false' });
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual(['id', 'created_at', 'action', 'actor_id', 'actor_name', 'actor_email', 'target_type', 'target_id', 'workspace_id', 'detail']);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toEqual([expect.any(String), '2026-01-01T10:00:00.000Z', action, actor.id, actor.name, actor.email, 'workspace', targetId, workspaceId, '{"n":1}']);
    // The JSON detail starts with `{`, so it is safe; a formula inside it is inert text of that JSON.
    expect(rows[0]?.[9]).toBe('{"name":"=HYPERLINK(\\"x\\")"}');
    expect(await prisma().activityLog.count({ where: { action: 'activity_exported', actorId: admin.id, detail: { path: ['format'], equals: 'csv' } } })).toBe(1);
  });

  it('when a date filter lies outside the years the database stores (year 0, or pushed there by its offset), then 422', async () => {
    for (const from_date of ['0000-01-01', '0000-06-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-23:59']) {
      const listed = await list({ from_date });
      expect({ from_date, status: listed.status, detail: listed.body.detail }).toEqual({
        from_date,
        status: 422,
        detail: expect.stringMatching(/^Invalid query: from_date /),
      });
      const exported = await request(t.app).get('/admin/activity/export').query({ to_date: from_date }).set(asAdmin(admin));
      expect({ from_date, status: exported.status }).toEqual({ from_date, status: 422 });
    }
    // The first and the last day of the range are dates like any other.
    expect((await list({ from_date: '0001-01-01', to_date: '9999-12-31' })).status).toBe(200);
  });

  it('when the format is unknown, then 422', async () => {
    expect((await request(t.app).get('/admin/activity/export').query({ format: 'xml' }).set(asAdmin(admin))).status).toBe(422);
  });

  it('when the caller is a user, even a workspace owner, then 403; without identity 401', async () => {
    const owner = identityHeader({ user: testUser({ workspace_role: 'owner' }) });
    expect((await request(t.app).get('/admin/activity').set(owner)).status).toBe(403);
    expect((await request(t.app).get('/admin/activity/export').set(owner)).status).toBe(403);
    expect((await request(t.app).get('/admin/activity')).status).toBe(401);
  });
});
