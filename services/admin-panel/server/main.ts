/**
 * The admin panel's process: builds the app if its sources changed (development), then serves it
 * on PORT (the launcher passes ADMIN_URL's port) and stops on SIGTERM, or when the launcher is
 * gone. The app calls BASE_URL.
 */
import { dirname, join, resolve } from 'node:path';
import { ensureBuilt } from './build.ts';
import { createPanelServer } from './static.ts';

// This file's folder, whether tsx runs it as CommonJS or Node 24 as an ES module.
const panelDir = resolve(dirname(process.argv[1] ?? '.'), '..');
const env = process.env;
const log = (message: string) => process.stdout.write(`[admin-panel] ${message}\n`);

/** `stop` runs on SIGTERM or SIGINT, and once the launcher that started this process over IPC is gone. */
function onStop(stop: () => void): () => void {
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (process.send !== undefined) {
    if (!process.connected) stop();
    else process.once('disconnect', stop);
  }
  return () => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    process.off('disconnect', stop);
  };
}

async function main(): Promise<void> {
  const adminUrl = new URL(env.ADMIN_URL ?? 'http://localhost:9004');
  const port = Number(env.PORT ?? (adminUrl.port || 9004));
  const host = env.HOST ?? '127.0.0.1';
  const cancelEarly = onStop(() => process.exit(0));
  await ensureBuilt(panelDir, log);
  cancelEarly();
  const server = createPanelServer({
    distDir: join(panelDir, 'dist'),
    apiUrl: env.BASE_URL ?? 'http://localhost:9003',
    hsts: adminUrl.protocol === 'https:',
  });
  server.listen(port, host, () => log(`serving on http://${host}:${port}`));
  onStop(() => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`[admin-panel] could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
