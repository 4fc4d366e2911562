/**
 * `pnpm bench`: the hot paths next to baselines measured in the same run on this machine
 * (docs/platform.md). Every run is 32 connections for BENCH_DURATION seconds (default 10).
 *   (a) a bare node:http keep-alive proxy in front of a constant node:http upstream
 *   (b) Express 5 + http-proxy-middleware (keep-alive) in front of a constant Express 5 handler
 *   (c) GET /auth/me with a valid JWT through the real gateway to the real token-service: the
 *       whole authentication pipeline in front of a trivial handler (target: c/b >= 0.8)
 * Then: refresh-token rotation through the gateway, next to raw RS256 signatures per second.
 *   (d) permission checks through the gateway on the seeded data set (bench/permissions.ts):
 *       single, batch of 100, first accessible page; targets as ratios to (b).
 * BENCH_ONLY=gateway runs the baselines and (c) only; BENCH_ONLY=permissions the baselines and (d).
 */
import { freePort } from '@sentinel/testing';
import { measure, report, startFixture, stopAll, type Measurement } from './harness';
import { GATEWAY_ME, gatewayBench } from './gateway';
import { permissionBench, reportPermissionTargets } from './permissions';
import { refreshBench } from './refresh';

const BASELINE_A = '(a) node:http proxy -> node:http constant';
const BASELINE_B = '(b) express + http-proxy-middleware -> express constant';

async function baselines(): Promise<Measurement[]> {
  const [upA, proxyA, upB, proxyB] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const children = [
    await startFixture('upstream-node', upA),
    await startFixture('proxy-node', proxyA, `http://127.0.0.1:${upA}`),
    await startFixture('upstream-express', upB),
    await startFixture('proxy-hpm', proxyB, `http://127.0.0.1:${upB}`),
  ];
  try {
    const a = await measure(BASELINE_A, { url: `http://127.0.0.1:${proxyA}/x` });
    const b = await measure(BASELINE_B, { url: `http://127.0.0.1:${proxyB}/x` });
    return [a, b];
  } finally {
    await stopAll(children);
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const rows = [
    ...(await baselines()),
    ...(only === 'permissions' ? [] : await gatewayBench()),
    ...(only === 'gateway' || only === 'permissions' ? [] : await refreshBench()),
    ...(only === 'gateway' ? [] : await permissionBench()),
  ];
  report(rows, [
    ['b/a (the framework against the machine)', BASELINE_B, BASELINE_A],
    ['c/b (auth pipeline against the framework; target >= 0.80)', GATEWAY_ME, BASELINE_B],
    ['c/a (auth pipeline against the machine)', GATEWAY_ME, BASELINE_A],
  ]);
  reportPermissionTargets(rows, BASELINE_B);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
