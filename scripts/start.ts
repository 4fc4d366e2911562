/**
 * `pnpm start`: everything needed to run Sentinel on this machine, in one command. Reads the
 * environment (.env, then generated development secrets outside production), creates the database
 * if missing and applies migrations once, then starts the four services, the gateway and the admin panel, and
 * stops them all on Ctrl-C or SIGTERM, or when the process that started this one (pnpm) is gone.
 * A process that dies is reported, not restarted: the others keep serving (the gateway answers
 * 503 for the dead one's routes). Every process is started with an IPC channel and stops when
 * it closes, so none outlives this launcher, even if it is killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot, readEnvironment } from '@sentinel/config';
import { migrateDatabase } from '@sentinel/db';

const root = findProjectRoot(__dirname);
const env = readEnvironment(process.env, root);

/** Services listen on the port of their URL as the gateway sees it (defaults: 9011–9014). */
const SERVICES = [
  { name: 'auth-service', urlVar: 'AUTH_SERVICE_URL', port: 9011 },
  { name: 'token-service', urlVar: 'TOKEN_SERVICE_URL', port: 9012 },
  { name: 'workspace-service', urlVar: 'WORKSPACE_SERVICE_URL', port: 9013 },
  { name: 'permission-service', urlVar: 'PERMISSION_SERVICE_URL', port: 9014 },
] as const;

function portOf(name: string, urlVar: string, fallback: number): string {
  const url = env[urlVar];
  if (!url) return String(fallback);
  const port = new URL(url).port;
  if (!port) throw new Error(`${urlVar} must name a port for ${name} (got ${url})`);
  return port;
}

function log(message: string): void {
  process.stdout.write(`[sentinel] ${message}\n`);
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'packages/db/src/generated/prisma/client.ts'))) {
    throw new Error('The Prisma client is not generated: run `pnpm install` first.');
  }
  const databaseUrl = env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/sentinel';
  const { applied } = await migrateDatabase(databaseUrl);
  log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const start = (name: string, port: string, entry = join('services', name, 'src', 'main.ts')) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], {
      cwd: root,
      env: { ...env, PORT: port },
      // The IPC channel is only there to close: the child stops when this process is gone.
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    children.set(name, child);
    log(`${name} started (pid ${child.pid}, port ${port})`);
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (!stopping) log(`${name} exited (${signal ?? `code ${code}`}); the other processes keep running`);
      if (children.size === 0) process.exit(stopping ? 0 : 1);
    });
  };
  for (const s of SERVICES) start(s.name, portOf(s.name, s.urlVar, s.port));
  start('gateway', env.PORT ?? '9003');
  // The admin panel builds itself first when its sources changed, then serves on ADMIN_URL's port.
  const adminUrl = new URL(env.ADMIN_URL ?? 'http://localhost:9004');
  start('admin-panel', adminUrl.port || '9004', join('services', 'admin-panel', 'server', 'main.ts'));
  log(`gateway on ${env.BASE_URL ?? 'http://localhost:9003'}, admin panel on ${adminUrl.origin} (Ctrl-C stops everything; launcher pid ${process.pid})`);

  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${reason})`);
    for (const child of children.values()) child.kill('SIGTERM');
    setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
    }, 15_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // SIGTERM to `pnpm start` reaches only pnpm's shell, which dies without passing it on: this
  // process then has another parent. Whoever started us is gone, so stop as if signalled.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('the process that started the launcher exited');
  }, 250).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`[sentinel] could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
