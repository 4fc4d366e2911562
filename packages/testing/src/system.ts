/**
 * The whole system as `pnpm start` runs it (scripts/start.ts), on free ports, with a database of
 * the test file's own and its own Redis key prefix on the machine's Redis, plus a dev-form login
 * that walks the real PKCE flow through the gateway. For tests across processes (SDK, examples,
 * admin panel); a test that stops Redis starts its own with startPrivateRedis and passes REDIS_URL.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './database';
import { freePort, PROJECT_ROOT, waitForHttp } from './processes';

const SERVICES = ['auth-service', 'token-service', 'workspace-service', 'permission-service'] as const;
export type SystemProcess = (typeof SERVICES)[number] | 'gateway';

const URL_VARS: Record<(typeof SERVICES)[number], string> = {
  'auth-service': 'AUTH_SERVICE_URL',
  'token-service': 'TOKEN_SERVICE_URL',
  'workspace-service': 'WORKSPACE_SERVICE_URL',
  'permission-service': 'PERMISSION_SERVICE_URL',
};

export interface RunningSystem {
  gatewayUrl: string;
  urls: Record<SystemProcess, string>;
  database: TestDatabase;
  /** The environment the processes run with (secrets included: tests only). */
  env: Record<string, string>;
  /** The launcher process (scripts/start.ts, or `pnpm start` itself with `viaPnpm`), for tests that signal it. */
  launcher: ChildProcess;
  /** Everything the launcher and the processes printed so far. */
  output(): string;
  /** A SQL query on the system's database (for seeding and assertions). */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/**
 * Starts the launcher with DEV_LOGIN=true and BASE_URL = the gateway. `env` adds or overrides
 * settings (ADMIN_EMAILS, ADMIN_URL, CORS_ORIGINS, lifetimes, …). `viaPnpm` runs the real
 * `pnpm start` command (pnpm, its shell, then the launcher) instead of the launcher directly.
 */
export async function startSystem(env: Record<string, string> = {}, options: { viaPnpm?: boolean } = {}): Promise<RunningSystem> {
  const database = await createTestDatabase();
  const urls = {} as Record<SystemProcess, string>;
  for (const name of [...SERVICES, 'gateway'] as const) urls[name] = `http://127.0.0.1:${await freePort()}`;
  const fullEnv: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DEV_LOGIN: 'true',
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: `test:${database.name}:`,
    PORT: new URL(urls.gateway).port,
    BASE_URL: urls.gateway,
    INTERNAL_SECRET: randomBytes(24).toString('hex'),
    SESSION_SECRET_KEY: randomBytes(24).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ...Object.fromEntries(SERVICES.map((s) => [URL_VARS[s], urls[s]])),
    // The launcher also serves the admin panel on ADMIN_URL's port: a free one, never 9004.
    ADMIN_URL: `http://127.0.0.1:${await freePort()}`,
    ...env,
  };
  let output = '';
  const [command, args] = options.viaPnpm ? ['pnpm', ['start']] : [process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'start.ts')]];
  const launcher: ChildProcess = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...fullEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launcher.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  launcher.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });

  const stop = async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGTERM');
      await once(launcher, 'exit');
    }
    await pool.end().catch(() => undefined);
    await database.drop();
  };
  try {
    for (const name of [...SERVICES, 'gateway'] as const) await waitForHttp(`${urls[name]}/ready`, { timeoutMs: 60_000 });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- launcher output ---\n${output}`);
  }
  return {
    gatewayUrl: urls.gateway,
    urls,
    database,
    env: fullEnv,
    launcher,
    output: () => output,
    sql: async <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await pool.query<T>(text, values)).rows,
    stop,
  };
}

/** Registers an active client app allowing `redirectUri` (what `pnpm sentinel client-apps create` does). */
export async function createClientApp(system: RunningSystem, redirectUri: string, name = 'Test app'): Promise<string> {
  const [row] = await system.sql<{ id: string }>(
    'INSERT INTO client_apps (id, name, redirect_uris, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id',
    [name, [redirectUri]],
  );
  return row!.id;
}

/**
 * Registers a service app for `serviceName` by running `pnpm sentinel service-apps create` against
 * the system's database and Redis prefix, as an operator would; returns the printed API key.
 */
export async function createServiceApp(system: RunningSystem, serviceName: string, name = `${serviceName} service`): Promise<string> {
  const { DATABASE_URL, REDIS_KEY_PREFIX, REDIS_URL } = system.env;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'sentinel.ts'), 'service-apps', 'create', '--name', name, '--service-name', serviceName],
    { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL, REDIS_KEY_PREFIX, ...(REDIS_URL ? { REDIS_URL } : {}) }, timeout: 60_000 },
  );
  return stdout.trim();
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

/** RFC 7636 verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/**
 * What a browser does with a `/auth/login/dev?…` URL: follows it to the dev provider's form,
 * submits `email` and `name`, and returns where the callback redirects (`redirect_uri?code=…`).
 */
export async function followDevForm(loginUrl: string, user: { email: string; name?: string }): Promise<string> {
  const started = await fetch(loginUrl, { redirect: 'manual' });
  const form = started.headers.get('location');
  if (started.status !== 302 || !form) throw new Error(`dev login start answered ${started.status}: ${await started.text()}`);
  const state = new URL(form, loginUrl).searchParams.get('state') ?? '';
  const callback = await fetch(new URL('/auth/callback/dev', loginUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(started) },
    body: new URLSearchParams({ state, email: user.email, name: user.name ?? user.email.split('@')[0]! }).toString(),
  });
  const back = callback.headers.get('location');
  if (callback.status !== 302 || !back) throw new Error(`dev login callback answered ${callback.status}: ${await callback.text()}`);
  return back;
}

/**
 * Signs `email` in through the dev form, the way a browser and a client app would: login →
 * form → callback → `redirectUri?code=` → /auth/workspaces → /auth/token. Picks the workspace
 * with `workspaceSlug`, else the first listed. `redirectUri` must belong to an active client app.
 */
export async function devLogin(
  gatewayUrl: string,
  user: { email: string; name?: string; redirectUri: string; workspaceSlug?: string },
): Promise<TokenPair & { workspace_id: string }> {
  const { verifier, challenge } = pkcePair();
  const start = new URL('/auth/login/dev', gatewayUrl);
  start.search = new URLSearchParams({ redirect_uri: user.redirectUri, code_challenge: challenge, code_challenge_method: 'S256' }).toString();
  const back = await followDevForm(start.toString(), user);
  const code = new URL(back).searchParams.get('code');
  if (!code) throw new Error(`dev login callback redirected without a code: ${back}`);
  const listed = await fetch(new URL(`/auth/workspaces?code=${encodeURIComponent(code)}`, gatewayUrl));
  const workspaces = (await listed.json()) as Array<{ id: string; slug: string }>;
  const workspace = user.workspaceSlug ? workspaces.find((w) => w.slug === user.workspaceSlug) : workspaces[0];
  if (!workspace) throw new Error(`dev login: no workspace ${user.workspaceSlug ?? ''} for ${user.email}`);
  const exchanged = await fetch(new URL('/auth/token', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, workspace_id: workspace.id, code_verifier: verifier }),
  });
  if (exchanged.status !== 200) throw new Error(`token exchange answered ${exchanged.status}: ${await exchanged.text()}`);
  return { ...((await exchanged.json()) as TokenPair), workspace_id: workspace.id };
}
