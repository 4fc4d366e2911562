import type { Env } from './env';

/** Values that must never protect a production deployment (0.7's default among them). */
const KNOWN_DEFAULTS = new Set([
  'dev-only-change-me-in-production',
  'change-me',
  'changeme',
  'secret',
  'password',
  'sentinel',
  'sentinel_dev',
]);

export type SecretRule = 'text' | 'hex32';

/**
 * A secret is weak when it is a known default, shorter than 32 characters (64 hex digits for a
 * 32-byte key), or made of fewer than 8 distinct characters.
 */
export function secretProblem(name: string, value: string | undefined, rule: SecretRule): string | undefined {
  if (value === undefined || value === '') return `${name} is not set`;
  if (KNOWN_DEFAULTS.has(value.toLowerCase())) return `${name} is a known default value`;
  if (rule === 'hex32' && !/^[0-9a-fA-F]{64}$/.test(value)) return `${name} must be 32 bytes as 64 hex digits`;
  if (value.length < 32) return `${name} is shorter than 32 characters`;
  if (new Set(value).size < 8) return `${name} is too repetitive to be random`;
  return undefined;
}

export interface ProductionRequirements {
  /** The secrets this process uses, with their format. */
  secrets: Partial<Record<string, SecretRule>>;
  /** Extra checks of the service (COOKIE_SECURE, ALLOWED_HOSTS, DEV_LOGIN, …). */
  checks?: Array<(env: Env) => string | undefined>;
}

/** What every Sentinel process refuses in production, whatever it does. */
const COMMON_CHECKS: Array<(env: Env) => string | undefined> = [
  (env) => (/^(true|1)$/i.test(env.COOKIE_SECURE ?? '') ? undefined : 'COOKIE_SECURE must be true in production'),
  (env) =>
    (env.ALLOWED_HOSTS ?? '').split(',').some((h) => h.trim() === '*')
      ? 'ALLOWED_HOSTS must not be a wildcard in production'
      : undefined,
];

/** Every production problem of this environment, empty when there is none. */
export function productionProblems(env: Env, req: ProductionRequirements): string[] {
  const problems: string[] = [];
  for (const check of COMMON_CHECKS) {
    const p = check(env);
    if (p) problems.push(p);
  }
  for (const [name, rule] of Object.entries(req.secrets)) {
    const p = secretProblem(name, env[name], rule ?? 'text');
    if (p) problems.push(p);
  }
  for (const check of req.checks ?? []) {
    const p = check(env);
    if (p) problems.push(p);
  }
  return problems;
}
