import { baseEnvSchema, ConfigError, envBoolean, envList, envPort, parseConfig, type Env } from '@sentinel/config';
import { z } from 'zod';

const hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 32 bytes as 64 hex digits');
const httpUrl = z.url({ protocol: /^https?$/ });
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalUrl = optionalText.pipe(httpUrl.optional());
/** A generic OIDC provider's name: it becomes part of a path and of OIDC_<NAME>_* variables. */
const OIDC_NAME = /^[a-z][a-z0-9_]{0,31}$/;
/** Names the built-in providers already take. */
const RESERVED_NAMES = new Set(['google', 'github', 'entra_id', 'dev']);

/**
 * When a sign-in through a provider may be linked to an existing user with the same verified
 * email: `trusted` links at once, `reauthenticate` only once the person has also signed in, in
 * the same browser, with a provider already linked to that user, `never` refuses.
 */
export const ACCOUNT_LINKING = ['trusted', 'reauthenticate', 'never'] as const;
export type AccountLinking = (typeof ACCOUNT_LINKING)[number];
const accountLinking = (fallback: AccountLinking) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim().toLowerCase()))
    .pipe(z.enum(ACCOUNT_LINKING, { error: `must be one of ${ACCOUNT_LINKING.join(', ')}` }));

export const configSchema = baseEnvSchema.extend({
  PORT: envPort(9011),
  /** Signs the short-lived login-state cookie. */
  SESSION_SECRET_KEY: z.string({ error: 'is not set' }).min(1, 'is not set'),
  /** Encrypts provider access and refresh tokens at rest (same key as token-service). */
  ENCRYPTION_KEY: hex32,
  ENCRYPTION_KEY_PREVIOUS: optionalText.pipe(hex32.optional()),
  /** token-service's internal API: token pairs, admin tokens, revocations. */
  TOKEN_SERVICE_URL: httpUrl.default('http://127.0.0.1:9012'),
  /** Emails (any case) of the people who are administrators. */
  ADMIN_EMAILS: envList().transform((list) => list.map((e) => e.toLowerCase())),
  /** The development sign-in form (refused in production). */
  DEV_LOGIN: envBoolean(false),
  DEV_ACCOUNT_LINKING: accountLinking('trusted'),
  /** How long a sign-in waiting for `reauthenticate` linking stays linkable (seconds). */
  ACCOUNT_LINK_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),

  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  GOOGLE_AUTHORIZATION_URL: optionalUrl,
  GOOGLE_TOKEN_URL: optionalUrl,
  GOOGLE_USERINFO_URL: optionalUrl,
  GOOGLE_ACCOUNT_LINKING: accountLinking('trusted'),

  GITHUB_CLIENT_ID: optionalText,
  GITHUB_CLIENT_SECRET: optionalText,
  /** GitHub Enterprise Server: the web URL (authorize, token) and the API URL. */
  GITHUB_BASE_URL: optionalUrl,
  GITHUB_API_URL: optionalUrl,
  GITHUB_ACCOUNT_LINKING: accountLinking('trusted'),

  ENTRA_CLIENT_ID: optionalText,
  ENTRA_CLIENT_SECRET: optionalText,
  /** One tenant (its id or domain); not `common`, `organizations` or `consumers`. */
  ENTRA_TENANT_ID: optionalText,
  /** Entra national clouds (e.g. https://login.microsoftonline.us); always https. */
  ENTRA_AUTHORITY: optionalUrl,
  ENTRA_ACCOUNT_LINKING: accountLinking('never'),

  /**
   * Generic OpenID Connect providers, each configured by OIDC_<NAME>_ISSUER/_CLIENT_ID/_CLIENT_SECRET
   * and optionally OIDC_<NAME>_ACCOUNT_LINKING (default reauthenticate).
   */
  OIDC_PROVIDERS: envList(),
});

export interface OidcProviderConfig {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  accountLinking: AccountLinking;
}

export type Config = z.infer<typeof configSchema> & {
  /** The generic OIDC providers, read from their OIDC_<NAME>_* variables. */
  OIDC: readonly OidcProviderConfig[];
};

/** Issuers must be https, except on loopback addresses (local development and tests). */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function requireSecureUrl(name: string, value: string | undefined, problems: string[]): void {
  if (value === undefined) return;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url) problems.push(`${name}: is not a URL`);
  else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url)))
    problems.push(`${name}: must be https (http only on loopback addresses)`);
}

/** The OIDC_<NAME>_* variables of every provider listed in OIDC_PROVIDERS, with their problems. */
function readOidcProviders(env: Env, names: string[]): { providers: OidcProviderConfig[]; problems: string[] } {
  const providers: OidcProviderConfig[] = [];
  const problems: string[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (!OIDC_NAME.test(name) || RESERVED_NAMES.has(name)) {
      problems.push(`OIDC_PROVIDERS: "${raw}" is not a valid provider name (a-z, 0-9, _; not a built-in provider)`);
      continue;
    }
    const prefix = `OIDC_${name.toUpperCase()}_`;
    const issuer = env[`${prefix}ISSUER`]?.trim();
    const clientId = env[`${prefix}CLIENT_ID`]?.trim();
    const clientSecret = env[`${prefix}CLIENT_SECRET`]?.trim();
    for (const [key, value] of [['ISSUER', issuer], ['CLIENT_ID', clientId], ['CLIENT_SECRET', clientSecret]] as const) {
      if (!value) problems.push(`${prefix}${key}: is not set (${name} is listed in OIDC_PROVIDERS)`);
    }
    requireSecureUrl(`${prefix}ISSUER`, issuer, problems);
    const linking = accountLinking('reauthenticate').safeParse(env[`${prefix}ACCOUNT_LINKING`]);
    if (!linking.success) problems.push(`${prefix}ACCOUNT_LINKING: ${linking.error.issues[0]?.message ?? 'is invalid'}`);
    if (issuer && clientId && clientSecret && linking.success) {
      providers.push({ name, issuer, clientId, clientSecret, accountLinking: linking.data });
    }
  }
  return { providers, problems };
}

const PROVIDER_URL_KEYS = [
  'GOOGLE_AUTHORIZATION_URL',
  'GOOGLE_TOKEN_URL',
  'GOOGLE_USERINFO_URL',
  'GITHUB_BASE_URL',
  'GITHUB_API_URL',
] as const;

/** Entra ID's own rules: passport-azure-ad speaks only https, and a single tenant is trusted. */
function checkEntra(config: z.infer<typeof configSchema>, problems: string[]): void {
  if (config.ENTRA_AUTHORITY !== undefined && !config.ENTRA_AUTHORITY.startsWith('https://')) {
    problems.push('ENTRA_AUTHORITY: must be https (passport-azure-ad refuses http, even on loopback)');
  }
  if (!config.ENTRA_CLIENT_ID || !config.ENTRA_CLIENT_SECRET || !config.ENTRA_TENANT_ID) return;
  if (/^(common|organizations|consumers)$/i.test(config.ENTRA_TENANT_ID)) {
    problems.push('ENTRA_TENANT_ID: must name one tenant (its id or domain), not a multi-tenant endpoint');
  }
  const base = new URL(config.BASE_URL);
  if (base.protocol !== 'https:' && !isLoopbackUrl(base)) {
    problems.push('BASE_URL: must be https when Entra ID is enabled (http only on loopback addresses)');
  }
}

/** The account-linking policy of a configured provider (`never` for a name no provider has). */
export function accountLinkingOf(config: Config, provider: string): AccountLinking {
  switch (provider) {
    case 'google':
      return config.GOOGLE_ACCOUNT_LINKING;
    case 'github':
      return config.GITHUB_ACCOUNT_LINKING;
    case 'entra_id':
      return config.ENTRA_ACCOUNT_LINKING;
    case 'dev':
      return config.DEV_ACCOUNT_LINKING;
    default:
      return config.OIDC.find((p) => p.name === provider)?.accountLinking ?? 'never';
  }
}

export function loadConfig(env: Env): Config {
  const base = parseConfig(configSchema, env, {
    secrets: { INTERNAL_SECRET: 'text', SESSION_SECRET_KEY: 'text', ENCRYPTION_KEY: 'hex32' },
    checks: [(e) => (/^(true|1)$/i.test(e.DEV_LOGIN ?? '') ? 'DEV_LOGIN is refused in production' : undefined)],
  });
  const { providers, problems } = readOidcProviders(env, base.OIDC_PROVIDERS);
  for (const key of PROVIDER_URL_KEYS) requireSecureUrl(key, base[key], problems);
  checkEntra(base, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...base, OIDC: Object.freeze(providers) });
}
