/**
 * (d) Permission checks through the real gateway (dual tier: service key + user JWT) to the real
 * permission-service, on the seeded data set (bench/seed-data.ts: 100k resources, 10k members,
 * 1k groups) with a warm cache. The path is the production one: every check reads the
 * workspace's access revision (and the caller's role and groups) before using cached facts.
 *   single check at 32 connections; a batch of 100 at 32; the first accessible page of 100 at 8.
 */
import { randomUUID } from 'node:crypto';
import { identityHeader } from '@sentinel/testing';
import { measure, type Measurement } from './harness';
import { BENCH_SERVICE, BENCH_TYPE, resourceId, userId } from './seed-data';
import { startBenchSystem } from './system';

export const SINGLE = '(d) check x1 via gateway (dual, warm cache)';
export const BATCH = '(d) check x100 via gateway (dual, warm cache)';
export const ACCESSIBLE = '(d) accessible, first page of 100, 8 connections';
const DIRECT = '    permission-service check x1 alone (the upstream of d)';

/** Resources the load draws from, all in the cache before measuring. */
const WORKING_SET = 20_000;
/** User 2 of the seed is a viewer: checks take the whole evaluation path, not the admin shortcut. */
const CHECKER = 2;

const item = (n: number) => ({ service_name: BENCH_SERVICE, resource_type: BENCH_TYPE, resource_id: resourceId(n), action: n % 3 === 0 ? 'edit' : 'view' });
const randomN = () => 1 + Math.floor(Math.random() * WORKING_SET);
const checksBody = (size: number) => JSON.stringify({ checks: Array.from({ length: size }, () => item(randomN())) });

export async function permissionBench(): Promise<Measurement[]> {
  const system = await startBenchSystem({ permissions: true });
  try {
    const { url: permissionUrl, serviceKey, seeded } = system.permissions!;
    const { access_token: token } = await system.issue({ userId: userId(CHECKER), workspaceId: seeded.workspaceId });
    const headers = { authorization: `Bearer ${token}`, 'x-service-key': serviceKey, 'content-type': 'application/json' };
    const checkUrl = `${system.gatewayUrl}/permissions/check`;

    // Warm the cache with the whole working set, 100 resources a request.
    let allowed = 0;
    for (let start = 1; start <= WORKING_SET; start += 100) {
      const checks = Array.from({ length: 100 }, (_, i) => item(start + i));
      const res = await fetch(checkUrl, { method: 'POST', headers, body: JSON.stringify({ checks }) });
      if (res.status !== 200) throw new Error(`POST /permissions/check answered ${res.status}: ${await res.text()}`);
      allowed += ((await res.json()) as { results: Array<{ allowed: boolean }> }).results.filter((r) => r.allowed).length;
    }
    console.log(`(d) seeded in the bench database: ${JSON.stringify(seeded)}; ${allowed} of ${WORKING_SET} warm-up checks allowed`);

    // Then warm the processes themselves (V8 optimizes the hot path only after many requests).
    await measure('warm-up', { url: checkUrl, method: 'POST', headers, nextBody: () => checksBody(1), durationSeconds: 3 });

    const single = await measure(SINGLE, { url: checkUrl, method: 'POST', headers, nextBody: () => checksBody(1) });
    const batch = await measure(BATCH, { url: checkUrl, method: 'POST', headers, nextBody: () => checksBody(100) });
    const accessibleBody = JSON.stringify({ service_name: BENCH_SERVICE, resource_type: BENCH_TYPE, action: 'view', workspace_id: seeded.workspaceId, limit: 100 });
    const accessible = await measure(ACCESSIBLE, {
      url: `${system.gatewayUrl}/permissions/accessible`,
      method: 'POST',
      headers,
      body: accessibleBody,
      connections: 8,
    });
    // What (d)'s upstream costs by itself, with the identity the gateway would forward.
    const me = (await (await fetch(`${system.gatewayUrl}/auth/me`, { headers })).json()) as Record<string, unknown>;
    const identity = identityHeader(
      {
        service: { app_id: randomUUID(), service_name: BENCH_SERVICE },
        user: { ...me, token_id: 'bench', token_expires_at: Math.floor(Date.now() / 1000) + 900 } as never,
      },
      system.secret,
    );
    const direct = await measure(DIRECT, {
      url: `${permissionUrl}/permissions/check`,
      method: 'POST',
      headers: { ...identity, 'content-type': 'application/json' },
      nextBody: () => checksBody(1),
    });
    return [single, batch, accessible, direct];
  } finally {
    await system.close();
  }
}

/** The issue's targets for (d), as ratios to baseline (b) measured in the same run. */
export function reportPermissionTargets(rows: Measurement[], baselineB: string): void {
  const by = new Map(rows.map((r) => [r.name, r]));
  const [b, single, batch, accessible] = [by.get(baselineB), by.get(SINGLE), by.get(BATCH), by.get(ACCESSIBLE)];
  if (!b || !single || !batch || !accessible) return;
  const line = (label: string, value: number, target: string, ok: boolean) =>
    console.log(`${label.padEnd(58)}${value.toFixed(2).padStart(10)}   target ${target}: ${ok ? 'met' : 'NOT met'}`);
  line('d single req/s / b req/s', single.requestsPerSecond / b.requestsPerSecond, '>= 0.60', single.requestsPerSecond >= 0.6 * b.requestsPerSecond);
  line('d single p99 / b p99', single.p99 / b.p99, '<= 1.50', single.p99 <= 1.5 * b.p99);
  line('d batch-100 p99 / d single p99', batch.p99 / single.p99, '<= 3.00', batch.p99 <= 3 * single.p99);
  line('d accessible first page p99 (ms, 8 connections)', accessible.p99, '<= 50 ms', accessible.p99 <= 50);
}
