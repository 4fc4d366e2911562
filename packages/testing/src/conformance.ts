import type { RequestListener } from 'node:http';
import type { BaseEnv, Env } from '@sentinel/config';
import type { ServiceDeps } from '@sentinel/runtime';
import request from 'supertest';
import { identityHeader, testService } from './identity';
import { useServiceApp } from './service-test';

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
    const t = useServiceApp(service.loadConfig, service.createApp);

    it('when a business route is called without the gateway identity, then 401', async () => {
      const { method, path } = service.businessRoute;
      const res = await request(t.app)[method](path).send({});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Missing or invalid internal identity' });
    });

    it('when the identity is valid but the route does not exist, then 404', async () => {
      const res = await request(t.app).get('/no-such-route').set(identityHeader({ service: testService() }));
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'Not found' });
    });

    it('when the URL or the JSON body breaks the text rule, or the body is not in its Content-Encoding, then 422 before any route', async () => {
      const { path } = service.businessRoute;
      const identity = identityHeader({ service: testService() });
      const inQuery = await request(t.app).get(`${path}${path.includes('?') ? '&' : '?'}q=%00`).set(identity);
      expect(inQuery.status).toBe(422);
      const json = (body: string, headers: Record<string, string> = {}) =>
        request(t.app).post(path).set(identity).set({ 'content-type': 'application/json', ...headers }).send(body);
      expect((await json('{"name":"a\\u0000"}')).status).toBe(422);
      expect((await json('{"name":"\\ud800"}')).status).toBe(422);
      for (const encoding of ['gzip', 'br']) {
        const res = await json('{"name":"x"}', { 'content-encoding': encoding });
        expect({ encoding, status: res.status }).toEqual({ encoding, status: 422 });
      }
    });

    it('when health and readiness are asked without identity, then Postgres and Redis are reported', async () => {
      expect((await request(t.app).get('/health')).body).toEqual({ status: 'ok' });
      const ready = await request(t.app).get('/ready');
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
