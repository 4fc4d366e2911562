import { sha256Hex } from '@sentinel/crypto';
import { createTestRedis, type TestRedis } from '@sentinel/testing';
import cookieParser from 'cookie-parser';
import express from 'express';
import request from 'supertest';
import { createPendingLinkStore, type PendingLink } from './pending-links';

const SECRET = 'pending-link-test-secret';
const link: Omit<PendingLink, 'expires_at'> = {
  user_id: 'u-1',
  provider: 'corp',
  provider_user_id: 'c-1',
  account_id: 'a-1',
  provider_data: {},
  access_token_encrypted: null,
  refresh_token_encrypted: null,
  purpose: 'admin',
};

describe('pending account links', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis.cleanup();
  });

  /** An app that saves a pending link on POST and takes it on GET. */
  function app(cookieSecure: boolean) {
    const store = createPendingLinkStore({ redis: redis.client, cookieSecure, ttlSeconds: 60 });
    const server = express();
    server.use(cookieParser(SECRET));
    server.post('/auth/save', async (_req, res) => {
      await store.save(res, link);
      res.end();
    });
    server.get('/auth/take', async (req, res) => {
      res.json({ link: (await store.take(req, res)) ?? null });
    });
    return server;
  }
  const cookieOf = (header: string[] | string | undefined) => [header ?? []].flat()[0]?.split(';')[0] ?? '';

  it('when COOKIE_SECURE, then the cookie is __Host- (no subdomain can plant one), HttpOnly, SameSite=Lax, and lives as long as the link', async () => {
    const saved = await request(app(true)).post('/auth/save');
    const header = [saved.headers['set-cookie'] ?? []].flat()[0] ?? '';
    expect(header).toMatch(/^__Host-sentinel_link=s%3A[\w-]{43}\./);
    expect(header).toMatch(/; Max-Age=60;/);
    expect(header).toMatch(/; Path=\/;/);
    expect(header).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    expect(header).not.toMatch(/Domain=/i);
  });

  it('when the link is taken, then it is spent: the same cookie finds nothing the second time', async () => {
    const server = app(false);
    const cookie = cookieOf((await request(server).post('/auth/save')).headers['set-cookie']);
    expect(cookie).toMatch(/^sentinel_link=/);
    const first = await request(server).get('/auth/take').set('cookie', cookie);
    expect(first.body.link).toMatchObject({ user_id: 'u-1', provider: 'corp', expires_at: expect.any(Number) });
    expect((await request(server).get('/auth/take').set('cookie', cookie)).body).toEqual({ link: null });
  });

  it('when the link outlived its expiry (even if Redis still has it) or the cookie is unsigned, then nothing is taken', async () => {
    const server = app(false);
    const cookie = cookieOf((await request(server).post('/auth/save')).headers['set-cookie']);
    const id = decodeURIComponent(cookie.slice('sentinel_link='.length)).slice(2).split('.')[0] ?? '';
    const key = `link-pending:${sha256Hex(id)}`;
    const stored = JSON.parse((await redis.client.get(key)) ?? '{}') as PendingLink;
    await redis.client.set(key, JSON.stringify({ ...stored, expires_at: Date.now() - 1 }), 'EX', 60);
    expect((await request(server).get('/auth/take').set('cookie', cookie)).body).toEqual({ link: null });

    const other = cookieOf((await request(server).post('/auth/save')).headers['set-cookie']);
    const unsigned = `sentinel_link=${decodeURIComponent(other.slice('sentinel_link='.length)).slice(2).split('.')[0] ?? ''}`;
    expect((await request(server).get('/auth/take').set('cookie', unsigned)).body).toEqual({ link: null });
  });
});
