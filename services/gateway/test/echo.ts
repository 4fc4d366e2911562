import { createServiceApp, createLogger, serve, type RunningServer } from '@sentinel/http';
import { TEST_INTERNAL_SECRET } from '@sentinel/testing';
import { Router } from 'express';

/**
 * An upstream built on the services' own skeleton (createServiceApp: the real trust boundary)
 * whose every route answers the identity it received: stands where a service the gateway
 * forwards to is not built yet (permission-service), to show what crosses the boundary.
 */
export async function startEchoService(): Promise<RunningServer & { url: string }> {
  const router = Router();
  router.all('/*splat', (req, res) => {
    res.json({ identity: req.identity, path: req.path, headers: { 'x-request-id': req.headers['x-request-id'] } });
  });
  const logger = createLogger('echo', 'silent');
  const app = createServiceApp({ logger, internalSecret: TEST_INTERNAL_SECRET, readiness: {}, bodyLimit: '10mb' }, [router]);
  const running = await serve(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1000 });
  return { ...running, url: `http://127.0.0.1:${running.port}` };
}
