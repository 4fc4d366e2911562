import type { Logger } from '@sentinel/http';

export interface PeriodicJobOptions {
  /** Time between the starts of two runs; a run still going when the timer fires is not doubled. */
  intervalMs: number;
  logger: Pick<Logger, 'warn'>;
  /** Logged at warn, with the error, when a run fails (the next run is still scheduled). */
  failureMessage: string;
  /** Run once right away (default true). */
  runAtStart?: boolean;
}

export interface PeriodicJob {
  /**
   * Starts a run now, or joins the one in flight; resolves when it ends and never rejects (a
   * failure is logged). After close, does nothing.
   */
  run: () => Promise<void>;
  /** Stops the timer and waits for the run in flight. */
  close: () => Promise<void>;
}

/**
 * A background job on a timer: at most one run at a time in this process, failures logged and
 * retried at the next tick, and a close that returns only once the run in flight has ended.
 * `work` may poll `stopped()` to end a long run early on close. The timer does not keep the
 * process alive.
 */
export function startPeriodicJob(options: PeriodicJobOptions, work: (stopped: () => boolean) => Promise<unknown>): PeriodicJob {
  let running: Promise<void> | undefined;
  let closed = false;
  const stopped = () => closed;
  const attempt = async () => {
    try {
      await work(stopped);
    } catch (err) {
      options.logger.warn({ err }, options.failureMessage);
    }
  };
  const run = (): Promise<void> => {
    if (closed) return Promise.resolve();
    running ??= attempt().finally(() => {
      running = undefined;
    });
    return running;
  };
  if (options.runAtStart ?? true) void run();
  const timer = setInterval(() => void run(), options.intervalMs);
  timer.unref();
  return {
    run,
    close: async () => {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
