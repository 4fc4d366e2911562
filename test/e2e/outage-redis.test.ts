/**
 * Redis fails under the running system: stopped (a redis-server of this test's own), then frozen
 * (a TCP relay in front of it keeps the connections open and drops every byte). Whatever needs
 * Redis and has no fallback answers 503 with Retry-After at once; whatever has a fallback stays
 * fast; and once Redis answers again, every process is fast and ready again by itself.
 */
import {
  createClientApp,
  createServiceApp,
  devLogin,
  eventually,
  pkcePair,
  startPrivateRedis,
  startRelay,
  startSystem,
  type PrivateRedis,
  type Relay,
  type RunningSystem,
  type TokenPair,
} from '@sentinel/testing';

const REDIRECT_URI = 'http://127.0.0.1:5998/callback';
const CHECK = { service_name: 'notes', resource_type: 'note', resource_id: '6f0d1c7e-0000-4000-8000-000000000002', action: 'view' };

async function timed(call: () => Promise<Response>): Promise<{ status: number; ms: number; res: Response }> {
  const started = performance.now();
  const res = await call();
  await res.arrayBuffer().catch(() => undefined);
  return { status: res.status, ms: performance.now() - started, res };
}

describe('when Redis fails under the running system', () => {
  let redis: PrivateRedis;
  let relay: Relay;
  let system: RunningSystem;
  let tokens: TokenPair;
  let serviceKey: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    relay = await startRelay(redis.url);
    // No rate limits: the test's own request rate must not turn into 429s.
    const unlimited = { RATE_LIMIT_RPM: '0', RATE_LIMIT_AUTH_RPM: '0', RATE_LIMIT_SERVICE_RPM: '0' };
    system = await startSystem({ REDIS_URL: relay.url, ...unlimited });
    await createClientApp(system, REDIRECT_URI);
    serviceKey = await createServiceApp(system, 'notes');
    try {
      tokens = await devLogin(system.gatewayUrl, { email: 'grace@example.com', redirectUri: REDIRECT_URI });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- output ---\n${system.output()}`);
    }
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await relay?.close();
    await redis?.stop();
  }, 30_000);

  const gateway = () => system.gatewayUrl;
  const json = { 'content-type': 'application/json' };
  const check = () =>
    fetch(`${gateway()}/permissions/check`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${tokens.access_token}`, 'x-service-key': serviceKey },
      body: JSON.stringify({ checks: [CHECK] }),
    });
  /** token-service: the denylist look-up (Redis mirror, else Postgres). */
  const introspect = () =>
    fetch(`${gateway()}/auth/introspect`, {
      method: 'POST',
      headers: { ...json, 'x-service-key': serviceKey },
      body: JSON.stringify({ token: tokens.access_token }),
    });
  /** auth-service: a one-time code look-up (Redis only). */
  const workspaces = () => fetch(`${gateway()}/auth/workspaces?code=not-a-code`);

  /** Starts a dev login (302 with the state cookie) and returns its callback call. */
  const startLogin = async () => {
    const params = new URLSearchParams({ redirect_uri: REDIRECT_URI, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    const started = await fetch(`${gateway()}/auth/login/dev?${params.toString()}`, { redirect: 'manual' });
    expect(started.status).toBe(302);
    const state = new URL(started.headers.get('location') ?? '', gateway()).searchParams.get('state') ?? '';
    const cookie = started.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return () =>
      fetch(`${gateway()}/auth/callback/dev`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ state, email: 'grace@example.com', name: 'Grace' }).toString(),
      });
  };

  const recovered = () =>
    eventually(async () => {
      try {
        await devLogin(gateway(), { email: 'grace@example.com', redirectUri: REDIRECT_URI });
        return true;
      } catch {
        return false;
      }
    }, 20_000);

  it('stopped: a login answers 503 with Retry-After at once, and works again once Redis is back', async () => {
    await redis.stop();
    const callback = await startLogin();
    const { status, ms, res } = await timed(callback);
    const body = (await fetch(`${gateway()}/auth/workspaces?code=x`).then((r) => r.json())) as { detail?: string };
    process.stdout.write(`Redis stopped: the login callback answered ${status} in ${ms.toFixed(0)} ms\n`);
    expect(status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(body.detail).toBe('Service unavailable: redis');
    expect(ms).toBeLessThan(2000);

    await redis.start();
    expect(await recovered()).toBe(true);
  }, 60_000);

  it('stopped: permission checks stay correct and fast (20 in a row well within 5 s)', async () => {
    await redis.stop();
    const times: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) {
      const one = performance.now();
      const res = await check();
      const body = (await res.json()) as { results?: Array<{ allowed: boolean }> };
      times.push(performance.now() - one);
      expect({ status: res.status, allowed: body.results?.[0]?.allowed }).toEqual({ status: 200, allowed: false });
    }
    const total = performance.now() - started;
    const p50 = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
    process.stdout.write(`Redis stopped: 20 permission checks in ${total.toFixed(0)} ms, p50 ${p50.toFixed(1)} ms\n`);
    expect(total).toBeLessThan(5000);

    await redis.start();
    expect(await recovered()).toBe(true);
  }, 60_000);

  it('frozen for 6 s, then answering: within seconds every process is fast and reports Redis ready', async () => {
    relay.freeze();
    const frozenUntil = Date.now() + 6000;
    // Traffic on every process's Redis connection while nothing answers.
    while (Date.now() < frozenUntil) {
      await Promise.all([timed(check), timed(introspect), timed(workspaces)]);
      await new Promise((r) => setTimeout(r, 100));
    }
    relay.heal();
    const thawed = performance.now();

    const calls = { gateway: check, 'token-service': introspect, 'auth-service': workspaces };
    let last: Record<string, number> = {};
    let fastRounds = 0;
    const fast = await eventually(async () => {
      last = {};
      for (const [name, call] of Object.entries(calls)) {
        const { status, ms } = await timed(call);
        last[name] = status < 500 ? ms : Infinity;
      }
      fastRounds = Object.values(last).every((ms) => ms < 700) ? fastRounds + 1 : 0;
      return fastRounds >= 3;
    }, 15_000);
    process.stdout.write(`Redis frozen 6 s: fast again ${((performance.now() - thawed) / 1000).toFixed(1)} s after it answered\n`);
    expect({ fast, last }).toEqual({ fast: true, last: expect.any(Object) });

    const ready = await eventually(async () => {
      const names = ['gateway', 'auth-service', 'token-service'] as const;
      const answers = await Promise.all(names.map((n) => fetch(`${system.urls[n]}/ready`).then((r) => r.status)));
      return answers.every((s) => s === 200);
    }, 15_000);
    expect(ready).toBe(true);
  }, 60_000);
});
