import type { RequestListener } from 'node:http';
import type { BaseEnv, Env } from '@sentinel/config';
import type { ServiceDeps } from '@sentinel/runtime';
import request from 'supertest';
import { createTestContext, type TestContext } from './context';
import { identityHeader, testService } from './identity';

export interface ServiceUnderTest<C extends BaseEnv> {
  name: string;
  loadConfig: (env: Env) => C;
  createApp: (deps: ServiceDeps<C>) => RequestListener;
  /** One of the service's business routes: called directly, it must answer 401. */
  businessRoute: { method: 'get' | 'post' | 'patch' | 'delete'; path: string };
}

/** What every service must do at its edge: health, readiness, and the trust boundary. */
export function describeServiceEdge<C extends BaseEnv>(service: ServiceUnderTest<C>): void {
  describe(`${service.name} at its edge`, () => {
    let ctx: TestContext<C>;
    let app: RequestListener;

    beforeAll(async () => {
      ctx = await createTestContext(service.loadConfig);
      app = service.createApp(ctx.deps);
    });
    afterAll(() => ctx.close());

    it('when a business route is called without the gateway identity, then 401', async () => {
      const { method, path } = service.businessRoute;
      const res = await request(app)[method](path).send({});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Missing or invalid internal identity' });
    });

    it('when the identity is valid but the route does not exist, then 404', async () => {
      const res = await request(app).get('/no-such-route').set(identityHeader({ service: testService() }));
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'Not found' });
    });

    it('when health and readiness are asked without identity, then Postgres and Redis are reported', async () => {
      expect((await request(app).get('/health')).body).toEqual({ status: 'ok' });
      const ready = await request(app).get('/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        checks: {
          postgres: { status: 'ok', latency_ms: expect.any(Number) },
          redis: { status: 'ok', latency_ms: expect.any(Number) },
        },
      });
    });
  });
}
