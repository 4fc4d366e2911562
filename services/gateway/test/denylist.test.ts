import { rebuildMirror } from '@sentinel/denylist';
import { createRedisClient, type Redis } from '@sentinel/redis';
import { startPrivateRedis, type PrivateRedis } from '@sentinel/testing';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startStack, tokenServiceCall, type Stack } from './support';

/** The gateway and token-service on a Redis of this test's own, which it flushes, stops and restarts. */
describe('gateway: the denylist survives a flushed or restarted Redis', () => {
  let redisServer: PrivateRedis;
  let redis: Redis;
  let stack: Stack;

  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    redis = createRedisClient(redisServer.url, { keyPrefix: 'private:' });
    stack = await startStack({ REDIS_URL: redisServer.url, REDIS_KEY_PREFIX: 'private:', RATE_LIMIT_RPM: '1000' }, { redis });
  });
  afterAll(async () => {
    await stack.close();
    redis.disconnect();
    await redisServer.stop();
  });

  const me = (token: string) => request(stack.gateway).get('/auth/me').set('authorization', `Bearer ${token}`);
  /** What token-service's rebuild job does: copy Postgres to the mirror and set the completeness marker. */
  const rebuild = () => rebuildMirror({ prisma: stack.ctx.deps.prisma, redis });
  const revoke = async (token: string) => {
    const { jti, exp } = jwt.decode(token) as { jti: string; exp: number };
    await tokenServiceCall(stack.tokenServiceUrl, '/internal/denylist', { jti, expires_at: exp, reason: 'logout' }).catch(() => undefined);
  };

  it('when a token is revoked, then it is refused from the mirror, after a FLUSHALL, and across a Redis restart', async () => {
    const revoked = (await stack.accessToken()).token;
    const live = (await stack.accessToken()).token;
    expect((await me(revoked)).status).toBe(200);
    await revoke(revoked);
    await rebuild();
    expect(await redis.exists('denylist:complete')).toBe(1);
    expect((await me(revoked)).body).toEqual({ detail: 'Token has been revoked' });
    expect((await me(live)).status).toBe(200);

    await redis.flushall();
    expect((await me(revoked)).body).toEqual({ detail: 'Token has been revoked' });
    expect((await me(live)).status).toBe(200);

    await redisServer.stop();
    expect((await me(revoked)).body).toEqual({ detail: 'Token has been revoked' }); // Redis down: Postgres decides
    expect((await me(live)).status).toBe(200); // and the limiter counts in memory
    await redisServer.start();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the clients reconnect
    expect((await me(revoked)).body).toEqual({ detail: 'Token has been revoked' });
    expect((await me(live)).status).toBe(200);
  });

  it('when the mirror is complete, then it alone answers (the hot path does not read Postgres)', async () => {
    const token = (await stack.accessToken()).token;
    const { jti, exp } = jwt.decode(token) as { jti: string; exp: number };
    await rebuild();
    // Written to Postgres behind the mirror's back (token-service always mirrors, or drops the marker).
    await stack.ctx.deps.prisma.revokedAccessToken.create({ data: { jti, expiresAt: new Date(exp * 1000), reason: 'test' } });
    // Trusted once the gateway has read the epoch since Redis came back (within its max age).
    for (let i = 0; i < 50 && (await me(token)).status !== 200; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect((await me(token)).status).toBe(200);
    await redis.del('denylist:complete');
    expect((await me(token)).body).toEqual({ detail: 'Token has been revoked' });
  });
});
