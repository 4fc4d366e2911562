import { identityHeader, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

describe('GET /users/me', () => {
  const t = useServiceApp(loadConfig, createApp);

  it('when the user exists, then their profile', async () => {
    const row = await t.ctx.deps.prisma.user.create({ data: { email: 'grace@example.com', name: 'Grace' } });
    const res = await request(t.app).get('/users/me').set(identityHeader({ user: testUser({ user_id: row.id }) }));
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

  it('when the user no longer exists, then 404', async () => {
    const res = await request(t.app).get('/users/me').set(identityHeader({ user: testUser() }));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'User not found' });
  });
});
