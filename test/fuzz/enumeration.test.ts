/**
 * The fuzz suite's endpoint list (endpoints.ts) is the real one: it covers every entry of the
 * gateway's route table and every method an entry lists, at the entry's tier, and it is exactly
 * the set of routes the services register that the gateway forwards to them (read from each
 * service's Express app, so a new route fails this test until it gets a line).
 */
import type { Express } from 'express';
import { createTestContext } from '@sentinel/testing';
import { createApp as authApp } from '@sentinel/auth-service/app';
import { loadConfig as authConfig } from '@sentinel/auth-service/config';
import { matchRoute, ROUTES, type Upstream } from '@sentinel/gateway/routes';
import { createApp as permissionApp } from '@sentinel/permission-service/app';
import { loadConfig as permissionConfig } from '@sentinel/permission-service/config';
import { createApp as tokenApp } from '@sentinel/token-service/app';
import { loadConfig as tokenConfig } from '@sentinel/token-service/config';
import { createApp as workspaceApp } from '@sentinel/workspace-service/app';
import { loadConfig as workspaceConfig } from '@sentinel/workspace-service/config';
import { endpointName, ENDPOINTS } from './endpoints';

const SAMPLE: Record<string, string> = { provider: 'dev', svc: 'fuzz', type: 'doc' };
const UUID = '0b9e5b4e-3b7a-4c4e-9a41-3f2d1c0b9a88';
/** A concrete path for `/a/{name}/b` or `/a/:name/b`. */
const concrete = (path: string) => path.replace(/\{(\w+)\}|:(\w+)/g, (_m, a?: string, b?: string) => SAMPLE[(a ?? b)!] ?? UUID);
/** `/a/{x}/b` and `/a/:y/b` are the same route. */
const shape = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{\w+\}|:\w+/g, ':')}`;

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function routesOf(app: Express): Array<{ method: string; path: string }> {
  const found: Array<{ method: string; path: string }> = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) found.push({ method: m.toUpperCase(), path: layer.route.path });
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

async function servicesRoutes(): Promise<Map<Upstream, Array<{ method: string; path: string }>>> {
  const builds = {
    auth: async () => {
      const ctx = await createTestContext(authConfig, { DEV_LOGIN: 'true' });
      return { ctx, app: authApp(ctx.deps) };
    },
    token: async () => {
      const ctx = await createTestContext(tokenConfig);
      return { ctx, app: tokenApp(ctx.deps) };
    },
    workspace: async () => {
      const ctx = await createTestContext(workspaceConfig);
      return { ctx, app: workspaceApp(ctx.deps) };
    },
    permission: async () => {
      const ctx = await createTestContext(permissionConfig);
      return { ctx, app: permissionApp(ctx.deps) };
    },
  } satisfies Record<Upstream, unknown>;
  const result = new Map<Upstream, Array<{ method: string; path: string }>>();
  for (const [upstream, build] of Object.entries(builds) as Array<[Upstream, () => Promise<{ ctx: { close(): Promise<void> }; app: Express }>]>) {
    const { ctx, app } = await build();
    try {
      result.set(upstream, routesOf(app));
    } finally {
      await ctx.close();
    }
  }
  return result;
}

describe('the fuzz suite’s endpoint list', () => {
  it('when matched against the route table, then it covers every entry and every listed method, at the entry’s tier', () => {
    const problems: string[] = [];
    const covered = new Map<number, Set<string>>();
    for (const ep of ENDPOINTS) {
      const match = matchRoute(ep.method, concrete(ep.path));
      if (!('route' in match)) {
        problems.push(`${endpointName(ep)} is not routed by the gateway`);
        continue;
      }
      if (match.route.tier !== ep.tier) problems.push(`${endpointName(ep)} is tier ${match.route.tier} in the table, ${ep.tier} here`);
      const i = ROUTES.indexOf(match.route);
      covered.set(i, (covered.get(i) ?? new Set()).add(ep.method));
    }
    ROUTES.forEach((route, i) => {
      const methods = covered.get(i);
      if (!methods) problems.push(`no endpoint for the table entry ${route.pattern.source}`);
      else if (route.methods !== 'any') {
        for (const m of route.methods) if (!methods.has(m)) problems.push(`no ${m} endpoint for ${route.pattern.source}`);
      }
    });
    expect(problems).toEqual([]);
    expect(new Set(ENDPOINTS.map((ep) => shape(ep.method, ep.path))).size).toBe(ENDPOINTS.length);
  });

  it('when compared with the routes the services register, then it is exactly those the gateway forwards to them', async () => {
    const registered = new Set<string>();
    for (const [upstream, routes] of await servicesRoutes()) {
      for (const { method, path } of routes) {
        const match = matchRoute(method, concrete(path));
        if ('route' in match && match.route.upstream === upstream) registered.add(shape(method, path));
      }
    }
    const listed = new Set(ENDPOINTS.map((ep) => shape(ep.method, ep.path)));
    expect({ missing: [...registered].filter((r) => !listed.has(r)), unknown: [...listed].filter((r) => !registered.has(r)) }).toEqual({
      missing: [],
      unknown: [],
    });
  }, 60_000);
});
