import { randomBytes } from 'node:crypto';
import type { Database } from '@sentinel/db';
import type { Redis } from '@sentinel/redis';
import { INTERNAL_IDENTITY_HEADER, mintInternalToken, serve, type RunningServer } from '@sentinel/http';
import { createTestContext, TEST_INTERNAL_SECRET, type TestContext } from '@sentinel/testing';
import type { Express } from 'express';
// The real token-service, as an upstream: no fake of our own services.
import { createApp as createTokenServiceApp } from '@sentinel/token-service/app';
import { loadConfig as loadTokenServiceConfig } from '@sentinel/token-service/config';
import { createApp, type GatewayDeps } from '../src/app';
import { loadConfig, type GatewayConfig } from '../src/config';
import { createUpstreamProxies, type UpstreamProxies } from '../src/proxy';

const asCaller = (caller: 'auth-service' | 'gateway') => ({
  [INTERNAL_IDENTITY_HEADER]: mintInternalToken(TEST_INTERNAL_SECRET, { caller }),
  'content-type': 'application/json',
});

/** A call to one of token-service's internal routes, as auth-service would make it. */
export async function tokenServiceCall<T>(url: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: asCaller('auth-service'), body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter += 1)}${randomBytes(2).toString('hex')}`;

/** A member (editor) of a workspace of their own. */
export async function seedMember(prisma: Database, overrides: { isAdmin?: boolean } = {}) {
  const n = unique();
  const user = await prisma.user.create({ data: { email: `user-${n}@example.com`, name: `User ${n}`, isAdmin: overrides.isAdmin ?? false } });
  const workspace = await prisma.workspace.create({ data: { slug: `ws-${n}`, name: 'Main' } });
  await prisma.workspaceMembership.create({ data: { workspaceId: workspace.id, userId: user.id, role: 'editor' } });
  return { userId: user.id, email: user.email, name: user.name, workspaceId: workspace.id, slug: workspace.slug };
}

export interface Stack {
  ctx: TestContext<GatewayConfig>;
  tokenService: RunningServer;
  tokenServiceUrl: string;
  proxies: UpstreamProxies;
  gateway: Express;
  /** A fresh access token of a new member. */
  accessToken(): Promise<{ token: string; member: Awaited<ReturnType<typeof seedMember>> }>;
  adminToken(userId: string): Promise<string>;
  /** Another gateway app on the same context with other settings. */
  gatewayWith(env: Record<string, string>): Express;
  close(): Promise<void>;
}

/**
 * This test file's own database and Redis prefix, a real token-service on a real port, and the
 * gateway app in front of it (driven with supertest). `env` configures the gateway.
 */
export async function startStack(env: Record<string, string> = {}, overrides: { redis?: Redis } = {}): Promise<Stack> {
  const base = await createTestContext(loadConfig, { RATE_LIMIT_RPM: '0', RATE_LIMIT_AUTH_RPM: '0', ...env });
  // A Redis of the test's own (flushed, stopped): every process of the stack uses it.
  const ctx: TestContext<GatewayConfig> = overrides.redis ? { ...base, deps: { ...base.deps, redis: overrides.redis } } : base;
  const tokenDeps = { ...ctx.deps, config: loadTokenServiceConfig({ ...ctx.env, PORT: '0' }) };
  const tokenService = await serve(createTokenServiceApp(tokenDeps), {
    port: 0,
    host: '127.0.0.1',
    logger: ctx.deps.logger,
    shutdownTimeoutMs: 1000,
  });
  const tokenServiceUrl = `http://127.0.0.1:${tokenService.port}`;
  const extra: Array<() => void> = [];
  const build = (gatewayEnv: Record<string, string>) => {
    const config = loadConfig({ ...ctx.env, TOKEN_SERVICE_URL: tokenServiceUrl, ...gatewayEnv });
    const proxies = createUpstreamProxies(config, ctx.deps.logger);
    const deps: GatewayDeps = { ...ctx.deps, config, proxies };
    return { app: createApp(deps), proxies };
  };
  const main = build(env);
  return {
    ctx,
    tokenService,
    tokenServiceUrl,
    proxies: main.proxies,
    gateway: main.app,
    async accessToken() {
      const member = await seedMember(ctx.deps.prisma);
      const pair = await tokenServiceCall<{ access_token: string }>(tokenServiceUrl, '/internal/tokens/issue', {
        user_id: member.userId,
        workspace_id: member.workspaceId,
      });
      return { token: pair.access_token, member };
    },
    async adminToken(userId) {
      return (await tokenServiceCall<{ token: string }>(tokenServiceUrl, '/internal/tokens/admin', { user_id: userId })).token;
    },
    gatewayWith(gatewayEnv) {
      const built = build({ ...env, ...gatewayEnv });
      extra.push(() => built.proxies.close());
      return built.app;
    },
    async close() {
      main.proxies.close();
      for (const close of extra) close();
      await tokenService.close();
      await ctx.close();
    },
  };
}
