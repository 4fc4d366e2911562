/**
 * The admin panel's process: builds the app if its sources changed (development), then serves it
 * on PORT (the launcher passes ADMIN_URL's port) and stops on SIGTERM. The app calls BASE_URL.
 */
import { dirname, join, resolve } from 'node:path';
import { ensureBuilt } from './build.ts';
import { createPanelServer } from './static.ts';

// This file's folder, whether tsx runs it as CommonJS or Node 24 as an ES module.
const panelDir = resolve(dirname(process.argv[1] ?? '.'), '..');
const env = process.env;
const log = (message: string) => process.stdout.write(`[admin-panel] ${message}\n`);

async function main(): Promise<void> {
  const adminUrl = new URL(env.ADMIN_URL ?? 'http://localhost:9004');
  const port = Number(env.PORT ?? (adminUrl.port || 9004));
  const host = env.HOST ?? '127.0.0.1';
  const early = () => process.exit(0);
  process.once('SIGTERM', early);
  process.once('SIGINT', early);
  await ensureBuilt(panelDir, log);
  process.off('SIGTERM', early);
  process.off('SIGINT', early);
  const server = createPanelServer({
    distDir: join(panelDir, 'dist'),
    apiUrl: env.BASE_URL ?? 'http://localhost:9003',
    hsts: adminUrl.protocol === 'https:',
  });
  server.listen(port, host, () => log(`serving on http://${host}:${port}`));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`[admin-panel] could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
