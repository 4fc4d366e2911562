import { createTestContext, freePort, identityHeader, startServiceProcess, type ChildService, type TestContext } from '@sentinel/testing';
import { loadConfig, type Config } from '../../src/config';
import { Browser, verifyWithJwks } from './browser';
import { startFakeProvider, type FakeKind, type FakeProvider } from './fake-provider';
import { createTestCertificate, type TestCertificate } from './tls';

export const APP_REDIRECT = 'https://app.example.test/auth/done';

export interface System {
  ctx: TestContext<Config>;
  auth: ChildService;
  token: ChildService;
  fakes: Record<string, FakeProvider>;
  clientAppId: string;
  /** The fake Entra's self-signed certificate, when there is one. */
  certificate: TestCertificate | undefined;
  browser(): Browser;
  /** Stops a service process and starts it again on the same port, with `env` on top of its own. */
  restart(service: 'auth' | 'token', env?: Record<string, string>): Promise<ChildService>;
  /** The token-service JWKS, as a client would fetch it through the gateway. */
  jwks(): Promise<{ keys: Array<Record<string, unknown>> }>;
  verify(token: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Environment variables that point auth-service at the fakes (only through the override URLs). */
export function providerEnv(fakes: Record<string, FakeProvider>): Record<string, string> {
  const env: Record<string, string> = {};
  const oidc: string[] = [];
  for (const [name, fake] of Object.entries(fakes)) {
    if (fake.kind === 'google') {
      Object.assign(env, {
        GOOGLE_CLIENT_ID: fake.clientId,
        GOOGLE_CLIENT_SECRET: fake.clientSecret,
        GOOGLE_AUTHORIZATION_URL: `${fake.url}/o/oauth2/v2/auth`,
        GOOGLE_TOKEN_URL: `${fake.url}/token`,
        GOOGLE_USERINFO_URL: `${fake.url}/v3/userinfo`,
      });
    } else if (fake.kind === 'github') {
      Object.assign(env, {
        GITHUB_CLIENT_ID: fake.clientId,
        GITHUB_CLIENT_SECRET: fake.clientSecret,
        GITHUB_BASE_URL: fake.url,
        GITHUB_API_URL: `${fake.url}/api/v3`,
      });
    } else if (fake.kind === 'entra') {
      Object.assign(env, {
        ENTRA_CLIENT_ID: fake.clientId,
        ENTRA_CLIENT_SECRET: fake.clientSecret,
        ENTRA_TENANT_ID: fake.tenantId,
        ENTRA_AUTHORITY: fake.url,
      });
    } else {
      oidc.push(name);
      const prefix = `OIDC_${name.toUpperCase()}_`;
      Object.assign(env, {
        [`${prefix}ISSUER`]: `${fake.url}/realms/${name}`,
        [`${prefix}CLIENT_ID`]: fake.clientId,
        [`${prefix}CLIENT_SECRET`]: fake.clientSecret,
      });
    }
  }
  if (oidc.length > 0) env.OIDC_PROVIDERS = oidc.join(',');
  return env;
}

/**
 * A real token-service and a real auth-service process over this file's database, with fake
 * providers (google, github, oidc issuers, entra by name) and one active client app. A fake
 * Entra ID speaks https with a self-signed certificate made here, which only the auth-service
 * process trusts (NODE_EXTRA_CA_CERTS), and the test's browsers.
 */
export async function startSystem(kinds: Record<string, FakeKind>, extraEnv: Record<string, string> = {}): Promise<System> {
  const certificate = Object.values(kinds).includes('entra') ? createTestCertificate() : undefined;
  const fakes: Record<string, FakeProvider> = {};
  for (const [name, kind] of Object.entries(kinds)) {
    fakes[name] = await startFakeProvider({
      kind,
      prefix: kind === 'github' ? '/api/v3' : kind === 'oidc' ? `/realms/${name}` : '',
      ...(kind === 'entra' && certificate ? { https: { key: certificate.key, cert: certificate.cert } } : {}),
    });
  }
  const [tokenPort, authPort] = [await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${authPort}`;
  const env = { BASE_URL: baseUrl, ...providerEnv(fakes), ...extraEnv };
  const ctx = await createTestContext(loadConfig, env);
  const tokenEnv = { ...ctx.env };
  const token = await startServiceProcess('token-service', tokenPort, tokenEnv);
  const authEnv = {
    ...ctx.env,
    TOKEN_SERVICE_URL: token.url,
    ...(certificate ? { NODE_EXTRA_CA_CERTS: certificate.caBundlePath } : {}),
  };
  const auth = await startServiceProcess('auth-service', authPort, authEnv);
  const app = await ctx.deps.prisma.clientApp.create({ data: { name: 'Web', redirectUris: [APP_REDIRECT] } });
  const jwks = async () => {
    const res = await fetch(`${system.token.url}/.well-known/jwks.json`, { headers: identityHeader({}) });
    return (await res.json()) as { keys: Array<Record<string, unknown>> };
  };
  const system: System = {
    ctx,
    auth,
    token,
    fakes,
    clientAppId: app.id,
    certificate,
    browser: () => new Browser([auth.url], certificate?.cert),
    restart: async (service, overrides = {}) => {
      const [current, name, own] = service === 'auth' ? [system.auth, 'auth-service', authEnv] : [system.token, 'token-service', tokenEnv];
      await current.stop();
      const started = await startServiceProcess(name, current.port, { ...own, ...overrides });
      if (service === 'auth') system.auth = started;
      else system.token = started;
      return started;
    },
    jwks,
    verify: async (t) => verifyWithJwks(t, await jwks()),
    close: async () => {
      await system.auth.stop();
      await system.token.stop();
      for (const fake of Object.values(fakes)) await fake.close();
      await ctx.close();
      certificate?.remove();
    },
  };
  return system;
}

/** Login → provider → callback, as a browser: returns the hops and the one-time code, if any. */
export async function browserLogin(system: System, browser: Browser, provider: string, challenge: string, redirectUri = APP_REDIRECT) {
  const start = new URL(`${system.auth.url}/auth/login/${provider}`);
  start.searchParams.set('redirect_uri', redirectUri);
  start.searchParams.set('code_challenge', challenge);
  start.searchParams.set('code_challenge_method', 'S256');
  const hops = await browser.follow(start.href, (url) => url.startsWith(redirectUri));
  const last = hops[hops.length - 1];
  const code = last?.location?.startsWith(redirectUri) ? (new URL(last.location).searchParams.get('code') ?? undefined) : undefined;
  return { hops, last, code };
}

/** POST /auth/token as the client app would (through the gateway). */
export async function exchange(system: System, body: Record<string, unknown>) {
  const res = await fetch(`${system.auth.url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...identityHeader({}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function workspaces(system: System, code: string) {
  const res = await fetch(`${system.auth.url}/auth/workspaces?code=${encodeURIComponent(code)}`, { headers: identityHeader({}) });
  return { status: res.status, body: (await res.json()) };
}
