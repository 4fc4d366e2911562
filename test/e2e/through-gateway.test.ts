/**
 * Requests through the gateway of the system `pnpm start` runs, where the answer depends on more
 * than one process: a write held up by a row lock longer than the connect timeout, and ids
 * spelled in upper case on routes of several services.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createClientApp, createServiceApp, devLogin, eventually, startSystem, type RunningSystem } from '@sentinel/testing';


describe('through the gateway', () => {
  let system: RunningSystem;
  let token: string;
  let workspaceId: string;
  let userId: string;
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${system.gatewayUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    // The defaults under test: UPSTREAM_CONNECT_TIMEOUT_MS 2000, UPSTREAM_TIMEOUT_MS 30000.
    system = await startSystem({ RATE_LIMIT_RPM: '0', RATE_LIMIT_SERVICE_RPM: '0' });
    const redirectUri = 'http://127.0.0.1:1/callback';
    await createClientApp(system, redirectUri);
    const pair = await devLogin(system.gatewayUrl, { email: 'grace@example.com', name: 'Grace', redirectUri });
    token = pair.access_token;
    workspaceId = pair.workspace_id;
    userId = ((await (await call('GET', '/users/me')).json()) as { id: string }).id;
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
  }, 30_000);

  it('when PATCH /users/me waits 3 s behind a row lock, then it answers 200 with the change (not 503 at the connect timeout)', async () => {
    const locker = new pg.Client({ connectionString: system.database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
      const locked = Date.now();
      const patched = call('PATCH', '/users/me', { name: 'Grace Hopper' });
      // The update is waiting on our lock (not merely slow to arrive).
      const waiting = await eventually(async () => {
        const rows = await system.sql<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return rows[0]?.n !== '0';
      }, 20_000);
      expect(waiting).toBe(true);
      await sleep(Math.max(0, 3000 - (Date.now() - locked)));
      await locker.query('COMMIT');
      const res = await patched;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { name: string }).name).toBe('Grace Hopper');
    } finally {
      await locker.end();
    }
    const [row] = await system.sql<{ name: string }>('SELECT name FROM users WHERE id = $1', [userId]);
    expect(row?.name).toBe('Grace Hopper');
  });

  it('when ids are spelled in upper case, then every route treats them as the same ids', async () => {
    const WID = workspaceId.toUpperCase();
    const UID = userId.toUpperCase();

    const workspace = await call('GET', `/workspaces/${WID}`);
    expect(workspace.status).toBe(200);
    expect(((await workspace.json()) as { id: string }).id).toBe(workspaceId);
    expect((await call('PATCH', `/workspaces/${WID}`, { name: 'Renamed' })).status).toBe(200);
    expect((await call('GET', `/workspaces/${WID}/members`)).status).toBe(200);

    const group = await call('POST', `/workspaces/${WID}/groups`, { name: 'Upper' });
    expect(group.status).toBe(201);
    const groupId = ((await group.json()) as { id: string }).id;
    const GID = groupId.toUpperCase();
    expect((await call('POST', `/workspaces/${WID}/groups/${GID}/members/${UID}`)).status).toBe(201);
    const members = await call('GET', `/workspaces/${WID}/groups/${GID}/members`);
    expect(members.status).toBe(200);
    expect(((await members.json()) as Array<{ user_id: string }>).map((m) => m.user_id)).toEqual([userId]);
    expect((await call('PATCH', `/workspaces/${WID}/members/${UID}`, { role: 'owner' })).status).toBe(200);

    const serviceKey = await createServiceApp(system, 'docs');
    const asService = { 'x-service-key': serviceKey };
    const resourceId = 'AB12CD34-5678-4ABC-8DEF-0123456789AB';
    const registered = await call(
      'POST',
      '/permissions/register',
      { service_name: 'docs', resource_type: 'doc', resource_id: resourceId, workspace_id: WID, owner_id: UID, visibility: 'private' },
      asService,
    );
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ resource_id: resourceId.toLowerCase(), workspace_id: workspaceId, owner_id: userId });
    const resource = await call('GET', `/permissions/resource/docs/doc/${resourceId}`, undefined, asService);
    expect(resource.status).toBe(200);
    const check = await call(
      'POST',
      '/permissions/check',
      { checks: [{ service_name: 'docs', resource_type: 'doc', resource_id: resourceId, action: 'edit' }] },
      asService,
    );
    expect(check.status).toBe(200);
    expect(((await check.json()) as { results: Array<{ allowed: boolean }> }).results[0]?.allowed).toBe(true);
    const accessible = await call(
      'POST',
      '/permissions/accessible',
      { service_name: 'docs', resource_type: 'doc', action: 'view', workspace_id: WID },
      asService,
    );
    expect(accessible.status).toBe(200);
  });
});
