import { randomUUID } from 'node:crypto';
import { createDenylist, MARKER_KEY, rebuildMirror } from '@sentinel/denylist';
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

  /** A new member with an access token issued by `app`: its claims and the identity it forwards. */
  async function signedInMember(app: ReturnType<typeof createApp>) {
    const seed = await seedMember(ctx.deps.prisma);
    const pair = await request(app)
      .post('/internal/tokens/issue')
      .set(identityHeader({ caller: 'auth-service' }))
      .send({ user_id: seed.userId, workspace_id: seed.workspaceId });
    const claims = jwt.decode(pair.body.access_token) as JwtPayload;
    const user = testUser({ user_id: seed.userId, workspace_id: seed.workspaceId, token_id: claims.jti!, token_expires_at: claims.exp! });
    return { claims, user };
  }

  it('when a logged-out token is checked after a flush and a restart, then it is still revoked (the gateway check)', async () => {
    const deps = { ...ctx.deps, redis };
    const app = createApp(deps);
    const denylist = createDenylist(deps);
    await rebuildMirror(deps); // a complete mirror, as the background job keeps it
    const { claims, user } = await signedInMember(app);
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
    expect(await rebuildMirror(deps)).toBe(1);
    expect(await redis.exists(MARKER_KEY)).toBe(1);
    expect(await denylist.isRevoked(claims.jti!)).toBe(true);
    expect(await denylist.isRevoked(randomUUID())).toBe(false);
  });

  it('when neither the mirror nor the epoch can be written, then the logout answers 503 (never 200) and Postgres still refuses the token', async () => {
    const deps = { ...ctx.deps, redis };
    const app = createApp(deps);
    const denylist = createDenylist(deps);
    const { claims, user } = await signedInMember(app);
    // A real refusal from Postgres, on this file's own database: the epoch cannot be bumped.
    await ctx.deps.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_epoch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'epoch frozen'; END $$`);
    await ctx.deps.prisma.$executeRawUnsafe('CREATE TRIGGER refuse_epoch BEFORE INSERT OR UPDATE ON denylist_epoch FOR EACH ROW EXECUTE FUNCTION refuse_epoch()');
    await server.stop();
    try {
      const res = await request(app).post('/auth/logout').set(identityHeader({ user }));
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ detail: 'Service unavailable' });
      expect(await denylist.isRevoked(claims.jti!)).toBe(true); // committed: Postgres decides
    } finally {
      await ctx.deps.prisma.$executeRawUnsafe('DROP TRIGGER refuse_epoch ON denylist_epoch');
      await server.start();
    }
  });
});
