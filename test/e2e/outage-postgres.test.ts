/**
 * PostgreSQL stops under the running system (a cluster of this test's own): every route that
 * needs it answers 503 with Retry-After at once, never a generic 500, and everything works again
 * once it is back, without restarting a process.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  createServiceApp,
  createTestRedis,
  devLogin,
  pkcePair,
  startPrivatePostgres,
  startSystem,
  type PrivatePostgres,
  type RunningSystem,
  type TokenPair,
} from '@sentinel/testing';

const REDIRECT_URI = 'http://127.0.0.1:5999/callback';

describe('when PostgreSQL stops under the running system', () => {
  let postgres: PrivatePostgres;
  let system: RunningSystem;
  let tokens: TokenPair;
  let serviceKey: string;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    const name = `sentinel_outage_${randomBytes(4).toString('hex')}`;
    // No rate limits: the test's own logins and retries must not turn into 429s.
    const unlimited = { RATE_LIMIT_RPM: '0', RATE_LIMIT_AUTH_RPM: '0', RATE_LIMIT_SERVICE_RPM: '0' };
    // DATABASE_URL points every process at the private cluster (startSystem's own database stays unused).
    system = await startSystem({ ...unlimited, DATABASE_URL: postgres.url(name) });
    const db = new pg.Client({ connectionString: postgres.url(name) });
    await db.connect();
    await db.query(
      'INSERT INTO client_apps (id, name, redirect_uris, updated_at) VALUES (gen_random_uuid(), $1, $2, now())',
      ['Outage test app', [REDIRECT_URI]],
    );
    await db.end();
    serviceKey = await createServiceApp(system, 'notes');
    tokens = await devLogin(system.gatewayUrl, { email: 'ada@example.com', redirectUri: REDIRECT_URI });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await postgres?.close();
  }, 30_000);

  /** One route per service, through the gateway, that needs the database. */
  const routes = (): Record<string, () => Promise<Response>> => {
    const gateway = system.gatewayUrl;
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    const json = { 'content-type': 'application/json' };
    const login = new URLSearchParams({ redirect_uri: REDIRECT_URI, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    return {
      'auth-service GET /auth/login/dev': () => fetch(`${gateway}/auth/login/dev?${login.toString()}`, { redirect: 'manual' }),
      'token-service POST /auth/refresh': () =>
        fetch(`${gateway}/auth/refresh`, { method: 'POST', headers: json, body: JSON.stringify({ refresh_token: tokens.refresh_token }) }),
      'workspace-service GET /users/me': () => fetch(`${gateway}/users/me`, { headers: bearer }),
      'permission-service POST /permissions/check': () =>
        fetch(`${gateway}/permissions/check`, {
          method: 'POST',
          headers: { ...bearer, ...json, 'x-service-key': serviceKey },
          body: JSON.stringify({
            checks: [{ service_name: 'notes', resource_type: 'note', resource_id: '6f0d1c7e-0000-4000-8000-000000000001', action: 'view' }],
          }),
        }),
    };
  };

  it('then each service answers 503 with Retry-After at once, and recovers after the restart', async () => {
    // The routes work (and the service key is cached by the gateway) before the outage.
    const before = routes();
    for (const [name, call] of Object.entries(before)) {
      if (name.includes('refresh')) continue; // keep the refresh token for the outage
      const res = await call();
      expect({ name, status: res.status }).toEqual({ name, status: name.includes('login') ? 302 : 200 });
    }

    await postgres.stop();
    for (const [name, call] of Object.entries(routes())) {
      const started = performance.now();
      const res = await call();
      const elapsed = performance.now() - started;
      const body = (await res.json()) as { detail?: string };
      process.stdout.write(`PostgreSQL stopped: ${name} answered ${res.status} in ${elapsed.toFixed(0)} ms\n`);
      expect({ name, status: res.status, detail: body.detail }).toEqual({ name, status: 503, detail: 'Service unavailable: database' });
      expect({ name, retryAfter: res.headers.get('retry-after') }).toEqual({ name, retryAfter: expect.stringMatching(/^[1-9][0-9]*$/) });
      // Generous: "at once" means no connect timeout per request.
      expect({ name, fast: elapsed < 3000 }).toEqual({ name, fast: true });
    }

    // Redis flushed meanwhile (or the denylist mirror's marker expired: its rebuild cannot read
    // Postgres): the gateway itself must ask Postgres about every token, and answers 503 too.
    await (await createTestRedis(undefined, system.env.REDIS_KEY_PREFIX)).cleanup();
    const gatewayRes = await routes()['workspace-service GET /users/me']!();
    expect([gatewayRes.status, ((await gatewayRes.json()) as { detail?: string }).detail, gatewayRes.headers.get('retry-after')]).toEqual([
      503,
      'Service unavailable: database',
      expect.stringMatching(/^[1-9][0-9]*$/),
    ]);

    await postgres.start();
    const deadline = Date.now() + 20_000;
    const pending = new Set(Object.keys(routes()));
    while (pending.size > 0 && Date.now() < deadline) {
      for (const [name, call] of Object.entries(routes())) {
        if (!pending.has(name)) continue;
        const res = await call();
        if (res.status < 500) pending.delete(name);
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect([...pending]).toEqual([]);
  }, 60_000);
});
