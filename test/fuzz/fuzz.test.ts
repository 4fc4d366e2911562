/**
 * The fuzz suite of issue 13: every endpoint behind the gateway's route table, with valid
 * credentials of its tier, gets its valid request broken in one way per case (mutations.ts). No
 * case may answer a 5xx, and a refused case (4xx) may write nothing but its activity-log entry
 * and chain row (writes.ts). Rate limits are off, so every case reaches the services. That the
 * endpoint list is complete is enumeration.test.ts's job.
 *
 * FUZZ_SEED replays a run (the seed is printed); FUZZ_RUNS sets the cases per endpoint (default 50).
 */
import fc from 'fast-check';
import { startSystem, type RunningSystem } from '@sentinel/testing';
import { endpointName, ENDPOINTS, type Endpoint } from './endpoints';
import { buildWorld, type World } from './fixtures';
import { closeAgent, describeRequest, send } from './http';
import { everyClassOnce, mutationArbitrary, targetsOf } from './cases';
import type { Mutation } from './mutations';
import { buildRequest } from './request';
import { ALLOWED_ON_REFUSAL, installWriteLog, takeWrites } from './writes';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);

const RATE_LIMITS_OFF = Object.fromEntries(
  ['RPM', 'ADMIN_RPM', 'SERVICE_RPM', 'AUTH_RPM', 'ADMIN_LOGIN_RPM', 'ADMIN_BULK_RPM', 'ADMIN_REVOKE_RPM', 'ADMIN_ROTATE_RPM'].map((n) => [
    `RATE_LIMIT_${n}`,
    '0',
  ]),
);

interface Tally {
  cases: number;
  statuses: Record<string, number>;
  baseline?: number;
}

describe('fuzz: every endpoint behind the gateway, every mutation class', () => {
  let system: RunningSystem;
  let world: World;
  const tallies = new Map<string, Tally>();
  const started = Date.now();

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} cases per endpoint`);
    system = await startSystem({ ...RATE_LIMITS_OFF, LOG_LEVEL: 'error', ADMIN_EMAILS: 'admin@fuzz.test' });
    world = await buildWorld(system);
    await installWriteLog(system);
  }, 120_000);

  afterAll(async () => {
    const rows = [...tallies].map(([name, t]) => {
      const counts = ['2xx', '3xx', '4xx', '5xx'].map((c) => String(t.statuses[c] ?? 0).padStart(4)).join(' ');
      return `${String(t.cases).padStart(5)}  ${counts}  baseline ${t.baseline ?? '-'}  ${name}`;
    });
    const total = [...tallies.values()].reduce((n, t) => n + t.cases, 0);
    console.log(
      [
        `fuzz: ${total} cases over ${tallies.size} endpoints in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`,
        `cases   2xx  3xx  4xx  5xx`,
        ...rows,
      ].join('\n'),
    );
    closeAgent();
    await system?.stop();
  }, 30_000);

  const runCase = async (ep: Endpoint, mutation: Mutation, tally: Tally) => {
    const values = await world.caseValues(ep.fresh ?? []);
    await takeWrites(system); // what the fixtures wrote
    const req = buildRequest(ep, values, mutation);
    const logFrom = system.output().length;
    const res = await send(system.gatewayUrl, req);
    tally.cases++;
    const cls = `${Math.floor(res.status / 100)}xx`;
    tally.statuses[cls] = (tally.statuses[cls] ?? 0) + 1;
    if (mutation.kind === 'none') tally.baseline = res.status;
    let problem = res.status >= 500 ? `answered ${res.status}` : undefined;
    // The valid request must succeed, or the cases do not reach the handler: the fixtures are wrong.
    if (mutation.kind === 'none' && res.status >= 400) problem = `refused its valid request with ${res.status}`;
    if (!problem && res.status >= 400) {
      const writes = (await takeWrites(system)).filter((w) => !ALLOWED_ON_REFUSAL.has(w));
      if (writes.length > 0) problem = `refused with ${res.status} but wrote ${[...new Set(writes)].join(', ')}`;
    }
    if (problem) {
      throw new Error(
        [
          `${endpointName(ep)} ${problem}`,
          `replay: FUZZ_SEED=${SEED} pnpm jest test/fuzz -t '${endpointName(ep)}'`,
          '--- request ---',
          describeRequest(req),
          `--- response ${res.status} ---`,
          res.body.slice(0, 1000),
          '--- service logs during the case ---',
          system.output().slice(logFrom).slice(-3000),
        ].join('\n'),
      );
    }
  };

  ENDPOINTS.forEach((ep, i) => {
    it(`${endpointName(ep)}: no 5xx and no write on refusal`, async () => {
      const tally: Tally = { cases: 0, statuses: {} };
      tallies.set(endpointName(ep), tally);
      const targets = targetsOf(ep);
      const examples = everyClassOnce(targets).map((m): [Mutation] => [m]);
      await fc.assert(
        fc.asyncProperty(mutationArbitrary(targets), (m) => runCase(ep, m, tally)),
        { seed: SEED + i, numRuns: Math.max(RUNS, examples.length), examples, endOnFailure: true },
      );
    }, 120_000);
  });
});
