import { setTimeout as sleep } from 'node:timers/promises';
import { startPeriodicJob } from './periodic';

/** Waits until `check` holds, 10 s at most (@sentinel/testing depends on this package). */
async function until(check: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !check(); await sleep(5)) {
    if (Date.now() > deadline) throw new Error('condition not reached within 10 s');
  }
}

/** A job whose runs each wait for release(); counts how many started and how many ran at once. */
function gatedWork() {
  const state = { started: 0, active: 0, maxActive: 0, gates: [] as Array<() => void> };
  const work = () => {
    state.started += 1;
    state.active += 1;
    state.maxActive = Math.max(state.maxActive, state.active);
    return new Promise<void>((resolve) => state.gates.push(resolve)).finally(() => {
      state.active -= 1;
    });
  };
  const releaseAll = () => state.gates.splice(0).forEach((release) => release());
  return { state, work, releaseAll };
}

const warnings: unknown[][] = [];
const logger = { warn: (...args: unknown[]) => void warnings.push(args) };

describe('startPeriodicJob', () => {
  beforeEach(() => {
    warnings.length = 0;
  });

  it('when a run outlasts several ticks, then no second run starts until it ends', async () => {
    const { state, work, releaseAll } = gatedWork();
    const job = startPeriodicJob({ intervalMs: 5, logger, failureMessage: 'failed' }, work);
    try {
      await sleep(60); // a dozen ticks while the first run is held
      const joined = job.run();
      expect(state.started).toBe(1);
      releaseAll();
      await joined;
      await until(() => state.started > 1); // the timer goes on
      releaseAll();
      expect(state.maxActive).toBe(1);
    } finally {
      releaseAll();
      const closing = job.close();
      releaseAll();
      await closing;
    }
  });

  it('when closed during a run, then close resolves only after that run and no run starts after it', async () => {
    const { state, work, releaseAll } = gatedWork();
    const job = startPeriodicJob({ intervalMs: 5, logger, failureMessage: 'failed' }, work);
    let closedAt: number | undefined;
    const closing = job.close().then(() => {
      closedAt = state.active;
    });
    await sleep(30);
    expect(closedAt).toBeUndefined();
    releaseAll();
    await closing;
    expect(closedAt).toBe(0);
    await job.run();
    await sleep(30);
    expect(state.started).toBe(1);
  });

  it('when a run fails, then the failure is logged and the next tick runs again', async () => {
    let calls = 0;
    const job = startPeriodicJob({ intervalMs: 5, logger, failureMessage: 'job failed' }, () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
    });
    try {
      await until(() => calls > 1);
      expect(warnings[0]).toEqual([{ err: expect.objectContaining({ message: 'boom' }) }, 'job failed']);
    } finally {
      await job.close();
    }
  });

  it('when runAtStart is false, then nothing runs before the first tick; stopped() turns true on close', async () => {
    const seen: boolean[] = [];
    let release: () => void = () => undefined;
    const job = startPeriodicJob({ intervalMs: 60_000, logger, failureMessage: 'failed', runAtStart: false }, async (stopped) => {
      seen.push(stopped());
      await new Promise<void>((resolve) => (release = resolve));
      seen.push(stopped());
    });
    expect(seen).toEqual([]);
    const running = job.run();
    const closing = job.close();
    release();
    await Promise.all([running, closing]);
    expect(seen).toEqual([false, true]);
  });
});
