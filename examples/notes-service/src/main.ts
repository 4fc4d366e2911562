/**
 * `pnpm example`: the notes service against a running Sentinel (`pnpm start`).
 * Env: SENTINEL_URL (default http://localhost:9003), SERVICE_KEY (required), PORT (default 9100).
 */
import { createNotesApp } from './app';
import { loadConfig } from './config';

const config = loadConfig(process.env);
if ('problems' in config) {
  process.stderr.write(`notes-service cannot start:\n${config.problems.join('\n')}\n`);
  process.exit(1);
}
const server = createNotesApp(config).listen(config.port, () => {
  process.stdout.write(`notes-service on http://localhost:${config.port} (Sentinel at ${config.sentinelUrl})\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
