import { identityHeader, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

describe('/users/me', () => {
  const t = useServiceApp(loadConfig, createApp);
  const me = (id: string) => identityHeader({ user: testUser({ user_id: id }) });

  it('when the user exists, then GET gives their profile', async () => {
    const row = await t.ctx.deps.prisma.user.create({ data: { email: 'grace@example.com', name: 'Grace' } });
    const res = await request(t.app).get('/users/me').set(me(row.id));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: row.id,
      email: 'grace@example.com',
      name: 'Grace',
      avatar_url: null,
      is_active: true,
      created_at: row.createdAt.toISOString(),
    });
  });

  it('when the user no longer exists, then GET and PATCH are 404', async () => {
    const res = await request(t.app).get('/users/me').set(identityHeader({ user: testUser() }));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'User not found' });
    expect((await request(t.app).patch('/users/me').set(identityHeader({ user: testUser() })).send({ name: 'X' })).status).toBe(404);
  });

  it('when PATCH sends a name with HTML and an https avatar, then both are stored (HTML stripped) and logged', async () => {
    const row = await t.ctx.deps.prisma.user.create({ data: { email: 'linus@example.com', name: 'Linus' } });
    const res = await request(t.app)
      .patch('/users/me')
      .set(me(row.id))
      .send({ name: '<b>Linus</b> <script>alert(1)</script>T', avatar_url: 'https://cdn.example.com/a.png' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: row.id, email: 'linus@example.com', name: 'Linus T', avatar_url: 'https://cdn.example.com/a.png' });
    const stored = await t.ctx.deps.prisma.user.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.name).toBe('Linus T');
    const log = await t.ctx.deps.prisma.activityLog.findMany({ where: { targetId: row.id } });
    expect(log).toEqual([expect.objectContaining({ action: 'user_updated', actorId: row.id, targetType: 'user' })]);

    const cleared = await request(t.app).patch('/users/me').set(me(row.id)).send({ avatar_url: null });
    expect(cleared.body).toMatchObject({ name: 'Linus T', avatar_url: null });
  });

  it('when PATCH sends fields that cannot be changed here, then they are ignored', async () => {
    const row = await t.ctx.deps.prisma.user.create({ data: { email: 'fixed@example.com', name: 'Fixed' } });
    const res = await request(t.app).patch('/users/me').set(me(row.id)).send({ email: 'other@example.com', is_active: false, name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: 'fixed@example.com', is_active: true, name: 'Renamed' });
  });

  it.each([
    ['a javascript: avatar', { avatar_url: 'javascript:alert(1)' }],
    ['a data: avatar', { avatar_url: 'data:image/png;base64,AAAA' }],
    ['a relative avatar', { avatar_url: '/me.png' }],
    ['a name that is only HTML', { name: '<img src=x onerror=alert(1)>' }],
    ['an empty name', { name: '' }],
    ['a name that is not a string', { name: 42 }],
    ['a body that is not an object', ['x']],
  ])('when PATCH sends %s, then 422 and nothing changes', async (_label, body) => {
    const row = await t.ctx.deps.prisma.user.create({ data: { email: `u-${Math.random()}@example.com`, name: 'Kept' } });
    const res = await request(t.app).patch('/users/me').set(me(row.id)).send(body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual(expect.any(String));
    expect((await t.ctx.deps.prisma.user.findUniqueOrThrow({ where: { id: row.id } })).name).toBe('Kept');
  });
});
