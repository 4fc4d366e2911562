import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { serve, type RunningServer } from '@sentinel/http';
import { createTestContext, freePort, identityHeader, type TestContext } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig, type GatewayConfig } from '../src/config';
import { createUpstreamProxies, type UpstreamProxies } from '../src/proxy';
// The real token-service, as an upstream: no fake of our own services.
import { createApp as createTokenServiceApp } from '../../token-service/src/app';
import { loadConfig as loadTokenServiceConfig } from '../../token-service/src/config';

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

  it('when the upstream does not answer in time, then 502 with a detail within a bounded time', async () => {
    const config = loadConfig({ ...ctx.env, AUTH_SERVICE_URL: ctx.deps.config.WORKSPACE_SERVICE_URL, UPSTREAM_TIMEOUT_MS: '300' });
    const slowProxies = createUpstreamProxies(config, ctx.deps.logger);
    try {
      const started = Date.now();
      const res = await request(createApp({ ...ctx.deps, config, proxies: slowProxies })).get('/auth/providers');
      expect(res.status).toBe(502);
      expect(res.body.detail).toMatch(/did not answer/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      slowProxies.close();
    }
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
