/**
 * The whole system as `pnpm start` runs it (scripts/start.ts), on free ports, with a database and
 * a redis-server of this test's own (it stops Redis and kills a service), driven over HTTP.
 */
import { once } from 'node:events';
import { eventually, startPrivateRedis, startSystem, type PrivateRedis, type RunningSystem, type SystemProcess } from '@sentinel/testing';

const SERVICES = ['auth-service', 'token-service', 'workspace-service', 'permission-service'] as const;
type ServiceName = (typeof SERVICES)[number];

/** One business route per service: called directly (not through the gateway) it must be 401. */
const BUSINESS_ROUTES: Record<ServiceName, [string, string]> = {
  'auth-service': ['POST', '/auth/token'],
  'token-service': ['GET', '/auth/me'],
  'workspace-service': ['GET', '/users/me'],
  'permission-service': ['POST', '/permissions/check'],
};

async function statusOf(url: string, init?: RequestInit): Promise<number> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}


describe('the system started by pnpm start', () => {
  let redis: PrivateRedis;
  let system: RunningSystem;
  const url = (name: SystemProcess) => system.urls[name];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    system = await startSystem({ REDIS_URL: redis.url });
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
  }, 30_000);

  it('when started, then the gateway is healthy and every process reports Postgres and Redis ready', async () => {
    const health = await fetch(`${url('gateway')}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    for (const name of [...SERVICES, 'gateway'] as const) {
      const ready = await fetch(`${url(name)}/ready`);
      expect(ready.status).toBe(200);
      expect(Object.keys(((await ready.json()) as { checks: object }).checks)).toEqual(['postgres', 'redis']);
    }
  });

  it('when a service is called directly, not through the gateway, then its business routes answer 401', async () => {
    for (const name of SERVICES) {
      const [method, path] = BUSINESS_ROUTES[name];
      const res = await fetch(`${url(name)}${path}`, { method, headers: { 'x-sentinel-identity': 'forged' } });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
    }
  });

  it('when Redis stops, then every /ready is 503; when it is back, then they recover without a restart', async () => {
    await redis.stop();
    const all = [...SERVICES, 'gateway'] as const;
    const allDown = await eventually(async () => {
      const statuses = await Promise.all(all.map((n) => statusOf(`${url(n)}/ready`)));
      return statuses.every((s) => s === 503);
    }, 10_000);
    expect(allDown).toBe(true);
    expect(await statusOf(`${url('gateway')}/health`)).toBe(200);

    await redis.start();
    const allUp = await eventually(async () => {
      const statuses = await Promise.all(all.map((n) => statusOf(`${url(n)}/ready`)));
      return statuses.every((s) => s === 200);
    }, 15_000);
    expect(allUp).toBe(true);
  }, 40_000);

  it('when one service is killed, then the gateway answers 502/503 for its routes within 5 s and the rest keep working', async () => {
    const pid = Number(/token-service started \(pid (\d+)/.exec(system.output())?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const started = Date.now();
    const res = await fetch(`${url('gateway')}/.well-known/jwks.json`, { signal: AbortSignal.timeout(5000) });
    // 503 when the connection is refused; 502 when the dying process reset it.
    expect([502, 503]).toContain(res.status);
    expect(await res.json()).toEqual({ detail: expect.stringMatching(/token service/) });
    expect(Date.now() - started).toBeLessThan(5000);
    // auth-service still answers through the gateway (its own 404: no such route yet).
    const other = await fetch(`${url('gateway')}/auth/unknown`);
    expect(other.status).toBe(404);
    expect(await statusOf(`${url('workspace-service')}/ready`)).toBe(200);
    expect(system.output()).toMatch(/token-service exited .*the other processes keep running/);
  });

  it('when the launcher gets SIGTERM, then every process stops', async () => {
    system.launcher.kill('SIGTERM');
    const [code] = (await once(system.launcher, 'exit')) as [number | null];
    expect(code).toBe(0);
    for (const name of ['auth-service', 'workspace-service', 'permission-service', 'gateway'] as const) {
      expect(await statusOf(`${url(name)}/health`)).toBe(0);
    }
  }, 30_000);
});
