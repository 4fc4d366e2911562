import { identityHeader, testService, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

describe('GET /auth/me', () => {
  const t = useServiceApp(loadConfig, createApp);

  it('when the gateway forwarded a user, then it returns that identity without the token fields', async () => {
    const user = testUser({ workspace_role: 'admin' });
    const res = await request(t.app).get('/auth/me').set(identityHeader({ user }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user_id: user.user_id,
      email: user.email,
      name: user.name,
      workspace_id: user.workspace_id,
      workspace_slug: user.workspace_slug,
      workspace_role: 'admin',
      groups: user.groups,
    });
  });

  it('when only a service key was verified, then 401', async () => {
    const res = await request(t.app).get('/auth/me').set(identityHeader({ service: testService() }));
    expect(res.status).toBe(401);
  });

  it('when called directly without the gateway identity, then 401', async () => {
    expect((await request(t.app).get('/auth/me')).status).toBe(401);
  });
});
