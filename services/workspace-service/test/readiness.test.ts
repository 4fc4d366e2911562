import { createRedisClient } from '@sentinel/redis';
import { createTestContext, startPrivateRedis, type PrivateRedis, type TestContext } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig, type Config } from '../src/config';

// Stopping Redis is destructive, so this file uses a redis-server of its own.
describe('readiness', () => {
  let redisServer: PrivateRedis;
  let ctx: TestContext<Config>;

  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    ctx = await createTestContext(loadConfig);
  });
  afterAll(async () => {
    await ctx.close();
    await redisServer.stop();
  });

  it('when Redis stops, then /ready is 503 naming it; when it is back, then 200 without a restart', async () => {
    const redis = createRedisClient(redisServer.url);
    const app = createApp({ ...ctx.deps, redis });
    try {
      expect((await request(app).get('/ready')).status).toBe(200);

      await redisServer.stop();
      const down = await request(app).get('/ready');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({
        detail: 'Not ready',
        checks: { postgres: { status: 'ok', latency_ms: expect.any(Number) }, redis: { status: 'unavailable' } },
      });
      expect((await request(app).get('/health')).status).toBe(200);

      await redisServer.start();
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = (await request(app).get('/ready')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    } finally {
      redis.disconnect();
    }
  });
});
