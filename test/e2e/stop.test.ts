/**
 * `pnpm start` stops completely: SIGTERM to pnpm (which passes it only to its shell), or SIGKILL
 * to the launcher itself, leaves no process of the system running and every port free.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { eventually, startSystem, type RunningSystem } from '@sentinel/testing';

const SHUTDOWN_TIMEOUT_MS = 3000;
/** A generous upper bound: the graceful shutdown, on a loaded machine. */
const BOUND_MS = SHUTDOWN_TIMEOUT_MS + 30_000;

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Whether `pid` is a running process (an exited one not yet reaped does not count). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}


/** The pids the launcher printed: each process's ("… started (pid N, …") and its own. */
const pidsIn = (output: string) => [...output.matchAll(/\(pid (\d+),|launcher pid (\d+)/g)].map((m) => Number(m[1] ?? m[2]));
const startedIn = (output: string) => [...output.matchAll(/ started \(pid \d+,/g)].length;

describe('stopping the system started by pnpm start', () => {
  let system: RunningSystem | undefined;

  afterEach(async () => {
    // Whatever the outcome, no process of this test stays behind.
    for (const pid of pidsIn(system?.output() ?? '')) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await system?.stop();
    system = undefined;
  }, 30_000);

  async function expectEverythingStopped(running: RunningSystem, pids: number[]) {
    const ports = [...Object.values(running.urls), running.env.ADMIN_URL!].map((url) => Number(new URL(url).port));
    const allFree = await eventually(async () => (await Promise.all(ports.map(listening))).every((open) => !open), BOUND_MS);
    expect({ allFree, listening: (await Promise.all(ports.map(listening))).map((open, i) => open && ports[i]).filter(Boolean) }).toEqual({
      allFree: true,
      listening: [],
    });
    expect(await eventually(() => pids.every((pid) => !alive(pid)), BOUND_MS)).toBe(true);
  }

  it('when the pnpm start process gets SIGTERM, then every process exits and every port is free', async () => {
    system = await startSystem({ SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }, { viaPnpm: true });
    const pids = pidsIn(system.output());
    expect(startedIn(system.output())).toBe(6); // four services, the gateway, the admin panel
    system.launcher.kill('SIGTERM');
    await expectEverythingStopped(system, pids);
  }, 120_000);

  it('when the launcher itself is killed with SIGKILL, then every process it started exits and every port is free', async () => {
    system = await startSystem({ SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
    const pids = pidsIn(system.output());
    expect(startedIn(system.output())).toBe(6);
    system.launcher.kill('SIGKILL');
    await expectEverythingStopped(system, pids);
  }, 120_000);
});
