import { Router } from 'express';

/** A dependency check: resolves when the dependency answers, rejects (or hangs) when not. */
export type ReadinessCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 1500;

async function measure(check: ReadinessCheck): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - started;
}

/** `/health` (liveness: the process answers) and `/ready` (every dependency answers). */
export function createHealthRouter(checks: Record<string, ReadinessCheck>): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    type Result = { status: 'ok'; latency_ms: number } | { status: 'unavailable' };
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, Result]> => {
        try {
          return [name, { status: 'ok', latency_ms: Math.round((await measure(check)) * 100) / 100 }];
        } catch {
          return [name, { status: 'unavailable' }];
        }
      }),
    );
    const ready = entries.every(([, result]) => result.status === 'ok');
    const body = { checks: Object.fromEntries(entries) };
    res.status(ready ? 200 : 503).json(ready ? { status: 'ready', ...body } : { detail: 'Not ready', ...body });
  });
  return router;
}
