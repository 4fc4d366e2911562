import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Env = Record<string, string | undefined>;

/** The secrets that `pnpm start` generates for development when they are not set. */
export const DEV_SECRET_NAMES = ['SESSION_SECRET_KEY', 'ENCRYPTION_KEY', 'INTERNAL_SECRET'] as const;

/** The monorepo root (the folder with pnpm-workspace.yaml), or `start` when there is none. */
export function findProjectRoot(start = process.cwd()): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

export function devSecretsPath(root: string): string {
  return join(root, '.sentinel', 'dev-secrets.env');
}

/**
 * Creates the development secrets file once. Several processes may race here: the file is
 * created exclusively, so the first writer wins and everyone reads the same values.
 */
export function ensureDevSecrets(root: string): string {
  const path = devSecretsPath(root);
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const body = DEV_SECRET_NAMES.map((name) => `${name}=${randomBytes(32).toString('hex')}`).join('\n');
  try {
    writeFileSync(path, `# Generated for development by Sentinel. Never use in production.\n${body}\n`, {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return path;
}

/** Parses KEY=VALUE lines (comments, blank lines and surrounding quotes allowed). */
export function parseEnvFile(text: string): Env {
  const out: Env = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

function readEnvFile(path: string): Env {
  return existsSync(path) ? parseEnvFile(readFileSync(path, 'utf8')) : {};
}

/**
 * The environment a process runs with: the real environment wins over the project's `.env`,
 * which wins over the generated development secrets (read, and created if missing, only outside
 * production).
 */
export function readEnvironment(env: Env = process.env, root = findProjectRoot()): Env {
  const fromDotEnv = readEnvFile(join(root, '.env'));
  const nodeEnv = env.NODE_ENV ?? fromDotEnv.NODE_ENV;
  const devSecrets = nodeEnv === 'production' ? {} : readEnvFile(ensureDevSecrets(root));
  return { ...devSecrets, ...fromDotEnv, ...env };
}
