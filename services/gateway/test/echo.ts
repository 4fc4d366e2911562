import { setTimeout as sleep } from 'node:timers/promises';
import { createServiceApp, createLogger, serve, type RunningServer } from '@sentinel/http';
import { TEST_INTERNAL_SECRET } from '@sentinel/testing';
import { Router } from 'express';

/**
 * An upstream built on the services' own skeleton (createServiceApp: the real trust boundary)
 * whose every route answers the identity it received: stands where a service the gateway
 * forwards to is not built yet (permission-service), to show what crosses the boundary.
 * `?delay_ms=` makes it answer that much later (a slow upstream); `connection` names the TCP
 * connection the request came on (the gateway's port), to tell a reused keep-alive socket.
 */
export async function startEchoService(): Promise<RunningServer & { url: string }> {
  const router = Router();
  router.all('/*splat', async (req, res) => {
    const delay = Number(req.query.delay_ms ?? 0);
    if (delay > 0) await sleep(delay);
    res.json({
      identity: req.identity,
      path: req.path,
      headers: { 'x-request-id': req.headers['x-request-id'] },
      connection: req.socket.remotePort,
    });
  });
  const logger = createLogger('echo', 'silent');
  const app = createServiceApp({ logger, internalSecret: TEST_INTERNAL_SECRET, readiness: {}, bodyLimit: '10mb' }, [router]);
  const running = await serve(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1000 });
  return { ...running, url: `http://127.0.0.1:${running.port}` };
}
