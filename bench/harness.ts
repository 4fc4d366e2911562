import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  connections?: number;
  durationSeconds?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A new body for every request (instead of `body`), e.g. a random resource to check. */
  nextBody?: () => string;
}

/** Drives `url` from this process (the load generator) and reports throughput and latency. */
export async function measure(name: string, options: LoadOptions): Promise<Measurement> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 32,
    duration: options.durationSeconds ?? Number(process.env.BENCH_DURATION ?? 10),
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    ...(options.nextBody ? { requests: [{ setupRequest: (req: object) => ({ ...req, body: options.nextBody?.() }) }] } : {}),
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Starts a benchmark fixture (bench/fixtures.ts) as its own process; resolves when it listens. */
export async function startFixture(mode: string, port: number, target?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures.ts'), mode, String(port), target ?? ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as Buffer[];
  if (!chunk?.toString().includes('ready')) throw new Error(`fixture ${mode} did not start`);
  return child;
}

export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }),
  );
}

export function report(rows: Measurement[], ratios: Array<[string, string, string]>): void {
  const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(10);
  console.log(`\n${'run'.padEnd(58)}${'req/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'errors'.padStart(10)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(58)}${fmt(r.requestsPerSecond)}${fmt(r.p50, 1)}${fmt(r.p99, 1)}${fmt(r.errors + r.non2xx)}`);
  }
  const byName = new Map(rows.map((r) => [r.name, r]));
  for (const [label, top, bottom] of ratios) {
    const a = byName.get(top);
    const b = byName.get(bottom);
    if (a && b) console.log(`${label.padEnd(58)}${fmt(a.requestsPerSecond / b.requestsPerSecond, 2)}`);
  }
}

/**
 * A closed loop for requests that cannot be replayed (each refresh consumes its token):
 * `workers` loops run `step` back to back for the duration; latency is per step.
 */
export async function closedLoop(
  name: string,
  workers: number,
  step: (worker: number) => Promise<boolean>,
  durationSeconds = Number(process.env.BENCH_DURATION ?? 10),
): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + durationSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await step(worker).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { name, requestsPerSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors, non2xx: 0 };
}

/** How many times `fn` runs per second on one thread, for `seconds`. */
export function opsPerSecond(name: string, fn: () => void, seconds = 2): Measurement {
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    fn();
    count += 1;
  }
  return { name, requestsPerSecond: count / ((performance.now() - started) / 1000), p50: 0, p99: 0, errors: 0, non2xx: 0 };
}
