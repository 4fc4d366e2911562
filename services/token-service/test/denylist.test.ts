import { randomUUID } from 'node:crypto';
import { createDenylist, MARKER_KEY } from '@sentinel/denylist';
import { createRedisClient, type Redis } from '@sentinel/redis';
import { createTestContext, identityHeader, startPrivateRedis, testUser, type PrivateRedis, type TestContext } from '@sentinel/testing';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { seedMember } from './seed';

// Flushing and restarting Redis are destructive: this file uses a redis-server of its own.
describe('the denylist after Redis loses its data', () => {
  let server: PrivateRedis;
  let ctx: TestContext<Config>;
  let redis: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    ctx = await createTestContext(loadConfig);
    redis = createRedisClient(server.url, { keyPrefix: 'flush-test:' });
  });
  afterAll(async () => {
    redis.disconnect();
    await ctx.close();
    await server.stop();
  });

  it('when a logged-out token is checked after a flush and a restart, then it is still revoked (the gateway check)', async () => {
    const deps = { ...ctx.deps, redis };
    const app = createApp(deps);
    const denylist = createDenylist(deps);
    await denylist.rebuild(); // a complete mirror, as the background job keeps it
    const seed = await seedMember(ctx.deps.prisma);
    const pair = await request(app)
      .post('/internal/tokens/issue')
      .set(identityHeader({ caller: 'auth-service' }))
      .send({ user_id: seed.userId, workspace_id: seed.workspaceId });
    const claims = jwt.decode(pair.body.access_token) as JwtPayload;
    const user = testUser({ user_id: seed.userId, workspace_id: seed.workspaceId, token_id: claims.jti!, token_expires_at: claims.exp! });
    await request(app).post('/auth/logout').set(identityHeader({ user })).expect(200);

    expect(await denylist.isRevoked(claims.jti!)).toBe(true);
    expect(await denylist.isRevoked(randomUUID())).toBe(false);

    await redis.flushall();
    expect(await redis.exists(MARKER_KEY)).toBe(0);
    expect(await denylist.isRevoked(claims.jti!)).toBe(true);

    await server.stop();
    expect(await denylist.isRevoked(claims.jti!)).toBe(true); // Redis down: Postgres answers
    await server.start();
    for (let i = 0; i < 50 && redis.status !== 'ready'; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(await denylist.isRevoked(claims.jti!)).toBe(true);

    // The rebuild restores the mirror and its marker; the fast path answers again.
    expect(await denylist.rebuild()).toBe(1);
    expect(await redis.exists(MARKER_KEY)).toBe(1);
    expect(await denylist.isRevoked(claims.jti!)).toBe(true);
    expect(await denylist.isRevoked(randomUUID())).toBe(false);
  });
});
