import { createServer, request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type RunningServer } from '@sentinel/http';
import { createTestContext, freePort, identityHeader, type TestContext } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig, type GatewayConfig } from '../src/config';
import { createUpstreamProxies, type UpstreamProxies } from '../src/proxy';
import { startBlackhole } from './blackhole';
import { startEchoService } from './echo';
// The real token-service, as an upstream: no fake of our own services.
import { createApp as createTokenServiceApp } from '@sentinel/token-service/app';
import { loadConfig as loadTokenServiceConfig } from '@sentinel/token-service/config';

/** POST /auth/token the way curl sends a larger body: headers with Expect: 100-continue, the body after 100 Continue. */
function postExpectingContinue(port: number, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/auth/token', headers: { ...headers, expect: '100-continue' } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.on('continue', () => req.end(body));
  });
}

describe('gateway forwarding', () => {
  let ctx: TestContext<GatewayConfig>;
  let base: TestContext<GatewayConfig>;
  let tokenService: RunningServer;
  let hanging: Server;
  let proxies: UpstreamProxies;
  let gateway: ReturnType<typeof createApp>;

  beforeAll(async () => {
    hanging = createServer(() => undefined); // accepts, never answers
    hanging.listen(0, '127.0.0.1');
    await once(hanging, 'listening');
    const hangingPort = (hanging.address() as { port: number }).port;
    base = await createTestContext(loadConfig);
    const tokenDeps = { ...base.deps, config: loadTokenServiceConfig({ ...base.env, PORT: '0' }) };
    tokenService = await serve(createTokenServiceApp(tokenDeps), {
      port: 0,
      host: '127.0.0.1',
      logger: base.deps.logger,
      shutdownTimeoutMs: 1000,
    });
    ctx = await createTestContext(loadConfig, {
      RATE_LIMIT_RPM: '0',
      TOKEN_SERVICE_URL: `http://127.0.0.1:${tokenService.port}`,
      AUTH_SERVICE_URL: `http://127.0.0.1:${await freePort()}`, // nothing listens there
      WORKSPACE_SERVICE_URL: `http://127.0.0.1:${hangingPort}`,
      UPSTREAM_TIMEOUT_MS: '300',
    });
    // token-service makes its first signing key on the first JWKS request: not within the 300 ms below.
    await fetch(`http://127.0.0.1:${tokenService.port}/.well-known/jwks.json`, { headers: identityHeader({ caller: 'gateway' }) });
    proxies = createUpstreamProxies(ctx.deps.config, ctx.deps.logger);
    gateway = createApp({ ...ctx.deps, proxies });
  });

  afterAll(async () => {
    proxies.close();
    await tokenService.close();
    hanging.closeAllConnections();
    hanging.close();
    await ctx.close();
    await base.close();
  });

  it('when a public route is called, then the service receives a valid anonymous identity', async () => {
    // token-service answers (not the 401 of a missing identity): the request crossed the trust boundary.
    const res = await request(gateway).get('/.well-known/jwks.json').set('x-request-id', 'req-42');
    expect(res.status).toBe(200);
    expect(res.body.keys).toEqual(expect.any(Array));
    expect(res.headers['x-request-id']).toBe('req-42');
  });

  it('when a client sends its own identity header, then it is replaced by the gateway', async () => {
    const res = await request(gateway).get('/.well-known/jwks.json').set('x-sentinel-identity', 'forged');
    expect(res.status).toBe(200);
  });

  it('when a route needs credentials and none are sent, then 401 before forwarding', async () => {
    const res = await request(gateway).get('/auth/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Missing Bearer token' });
  });

  it('when the path is not in the table, then 404; when the method is wrong, then 405', async () => {
    expect((await request(gateway).get('/nowhere')).status).toBe(404);
    const res = await request(gateway).get('/permissions/check');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body).toEqual({ detail: 'Method not allowed' });
  });

  it('when the upstream is down, then 503 with a detail', async () => {
    const res = await request(gateway).get('/auth/providers');
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/unavailable/);
  });

  /** A gateway app on this test's context with other settings; its proxies closed after `use`. */
  async function withGateway(env: Record<string, string>, use: (app: ReturnType<typeof createApp>) => Promise<void>) {
    const config = loadConfig({ ...ctx.env, ...env });
    const own = createUpstreamProxies(config, ctx.deps.logger);
    try {
      await use(createApp({ ...ctx.deps, config, proxies: own }));
    } finally {
      own.close();
    }
  }

  it('when the upstream does not answer within UPSTREAM_TIMEOUT_MS, then 504 saying the outcome is unknown, never 503', async () => {
    await withGateway({ AUTH_SERVICE_URL: ctx.deps.config.WORKSPACE_SERVICE_URL, UPSTREAM_TIMEOUT_MS: '300' }, async (app) => {
      const res = await request(app).get('/auth/providers');
      expect(res.status).toBe(504);
      expect(res.body).toEqual({ detail: expect.stringMatching(/did not answer in time.*outcome .* unknown/) });
    });
  });

  it('when the upstream cannot be connected to within UPSTREAM_CONNECT_TIMEOUT_MS, then 503', async () => {
    const blackhole = await startBlackhole();
    try {
      await withGateway({ AUTH_SERVICE_URL: `http://127.0.0.1:${blackhole.port}`, UPSTREAM_CONNECT_TIMEOUT_MS: '200' }, async (app) => {
        const res = await request(app).get('/auth/providers');
        expect(res.status).toBe(503);
        expect(res.body).toEqual({ detail: 'Service unavailable: auth service' });
      });
    } finally {
      await blackhole.close();
    }
  });

  describe('a slow upstream', () => {
    let echo: Awaited<ReturnType<typeof startEchoService>>;
    beforeAll(async () => {
      echo = await startEchoService();
    });
    afterAll(async () => {
      await echo.close();
    });

    it('when it answers after 3 s, longer than the connect timeout, then 200 (the default timeouts)', async () => {
      await withGateway({ AUTH_SERVICE_URL: echo.url, UPSTREAM_TIMEOUT_MS: '30000', UPSTREAM_CONNECT_TIMEOUT_MS: '2000' }, async (app) => {
        const res = await request(app).get('/auth/providers?delay_ms=3000');
        expect(res.status).toBe(200);
        expect(res.body.path).toBe('/auth/providers');
      });
    });

    it('when a kept-alive connection is reused for a call slower than the connect timeout, then 200', async () => {
      await withGateway({ AUTH_SERVICE_URL: echo.url, UPSTREAM_TIMEOUT_MS: '30000', UPSTREAM_CONNECT_TIMEOUT_MS: '100' }, async (app) => {
        const first = await request(app).get('/auth/providers?delay_ms=400').set('connection', 'keep-alive');
        const second = await request(app).get('/auth/providers?delay_ms=400').set('connection', 'keep-alive');
        expect([first.status, second.status]).toEqual([200, 200]);
        expect(second.body.connection).toBe(first.body.connection); // the same upstream connection
      });
    });

    it('when a client sends Expect: 100-continue (curl does above 1 KiB), then the call is forwarded as any other', async () => {
      await withGateway({ AUTH_SERVICE_URL: echo.url, BODY_LIMIT_BYTES: '100' }, async (app) => {
        const server = app.listen(0, '127.0.0.1');
        await once(server, 'listening');
        try {
          const port = (server.address() as AddressInfo).port;
          const small = await postExpectingContinue(port, { 'content-type': 'application/json' }, '{"a":1}');
          expect(small.status).toBe(200);
          expect(JSON.parse(small.body).identity).toEqual({}); // the gateway's anonymous identity reached the service
          const big = JSON.stringify({ a: 'x'.repeat(500) });
          expect((await postExpectingContinue(port, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, big)).status).toBe(413);
        } finally {
          server.closeAllConnections();
          server.close();
        }
      });
    });

    it('when it answers later than UPSTREAM_TIMEOUT_MS, then 504, not 503', async () => {
      await withGateway({ AUTH_SERVICE_URL: echo.url, UPSTREAM_TIMEOUT_MS: '500' }, async (app) => {
        const res = await request(app).get('/auth/providers?delay_ms=1500');
        expect(res.status).toBe(504);
        expect(res.body.detail).toMatch(/outcome of the request is unknown/);
      });
    });
  });

  it('when health and readiness are asked, then the gateway answers itself', async () => {
    expect((await request(gateway).get('/health')).body).toEqual({ status: 'ok' });
    const ready = await request(gateway).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({
      postgres: { status: 'ok', latency_ms: expect.any(Number) },
      redis: { status: 'ok', latency_ms: expect.any(Number) },
    });
  });
});
