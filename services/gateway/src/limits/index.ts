import type { Logger } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type AugmentedRequest } from 'express-rate-limit';
import type { GatewayConfig } from '../config';
import { GatewayStore, JTI_SEPARATOR, WindowEnd } from './store';

export { WindowEnd } from './store';

/** Which counters a request hits: set on the request by the gateway before the limiters run. */
export interface LimitPlan {
  /** The global counter's client: `user:<id>` for a valid token, `admin:<id>` for an admin session, `svc:<app>` for a service key, else `ip:<ip>`. */
  client: string;
  limit: number;
  /** The token's id, whose denylist mirror entry is read in the same Redis round trip. */
  jti?: string;
  /** A stricter per-IP limit of this route (0.7's per-route limits). */
  route?: { name: string; limit: number };
}

export const LIMIT_PLAN = Symbol('sentinel.limitPlan');
export type PlannedRequest = Request & { [LIMIT_PLAN]?: LimitPlan };

/** 0 in the configuration switches a limit off; the counter still runs (it carries the denylist read). */
const effective = (limit: number) => (limit > 0 ? limit : Number.MAX_SAFE_INTEGER);

interface RouteLimit {
  name: string;
  method?: string;
  pattern: RegExp;
  limit: (config: GatewayConfig) => number;
}

/** Sentinel Auth 0.7's per-route limits (per client IP), each configurable. */
const ROUTE_LIMITS: readonly RouteLimit[] = [
  { name: 'auth', pattern: /^\/auth\/(?:(?:login|callback)\/[^/]+|workspaces|token|refresh)$/, limit: (c) => c.RATE_LIMIT_AUTH_RPM },
  { name: 'admin-login', pattern: /^\/auth\/admin\/(?:login|callback)\/[^/]+$/, limit: (c) => c.RATE_LIMIT_ADMIN_LOGIN_RPM },
  {
    name: 'admin-bulk',
    method: 'POST',
    pattern: /^\/admin\/(?:users\/bulk-status|service-apps|import\/csv\/execute)$/,
    limit: (c) => c.RATE_LIMIT_ADMIN_BULK_RPM,
  },
  { name: 'admin-revoke', method: 'POST', pattern: /^\/admin\/users\/[^/]+\/revoke-tokens$/, limit: (c) => c.RATE_LIMIT_ADMIN_REVOKE_RPM },
  { name: 'admin-rotate', method: 'POST', pattern: /^\/admin\/service-apps\/[^/]+\/rotate-key$/, limit: (c) => c.RATE_LIMIT_ADMIN_ROTATE_RPM },
];

export interface Limits {
  /** The client IP's key: the socket address, or X-Forwarded-For's last entry when BEHIND_PROXY=true. */
  ipClient(req: Request): string;
  /** The plan of a request that is not (or failed to be) authenticated: by client IP. */
  anonymousPlan(req: Request): LimitPlan;
  userPlan(req: Request, userId: string, jti: string): LimitPlan;
  /** An admin session (admin tier): its own counter and limit, so the panel is usable at the per-user default. */
  adminPlan(req: Request, userId: string, jti: string): LimitPlan;
  servicePlan(req: Request, appId: string, jti: string | undefined): LimitPlan;
  /** Runs the global limiter then the route's (one Redis round trip on the hot path), then `next`. */
  apply: RequestHandler;
}

export function createLimits(deps: { config: GatewayConfig; redis: Redis; logger: Logger }): Limits {
  const { config, redis, logger } = deps;
  const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  const planOf = (req: Request) => (req as PlannedRequest)[LIMIT_PLAN];
  const tooMany: RequestHandler = (_req, res) => {
    res.status(429).json({ detail: 'Too many requests' });
  };
  const common = { windowMs, standardHeaders: 'draft-7', legacyHeaders: false, validate: false, handler: tooMany, logger } as const;

  const global = rateLimit({
    ...common,
    store: new GatewayStore(redis, logger, 'global'),
    limit: (req) => planOf(req)?.limit ?? effective(config.RATE_LIMIT_RPM),
    keyGenerator: (req) => {
      const plan = planOf(req);
      if (!plan) return ipClient(req);
      return plan.jti === undefined ? plan.client : `${plan.client}${JTI_SEPARATOR}${plan.jti}`;
    },
  });
  const perRoute = rateLimit({
    ...common,
    store: new GatewayStore(redis, logger, 'route'),
    // Not `rateLimit`: the global limiter's info there carries the denylist reading.
    requestPropertyName: 'routeRateLimit',
    skip: (req) => planOf(req)?.route === undefined,
    limit: (req) => planOf(req)?.route?.limit ?? Number.MAX_SAFE_INTEGER,
    keyGenerator: (req) => `${planOf(req)?.route?.name ?? ''}:${ipClient(req)}`,
  });

  function ipClient(req: Request): string {
    return `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;
  }

  function routeOf(req: Request): LimitPlan['route'] {
    for (const r of ROUTE_LIMITS) {
      if (r.method !== undefined && r.method !== req.method) continue;
      if (!r.pattern.test(req.path)) continue;
      const limit = r.limit(config);
      return limit > 0 ? { name: r.name, limit } : undefined;
    }
    return undefined;
  }

  const withRoute = (req: Request, plan: LimitPlan): LimitPlan => {
    const route = routeOf(req);
    return route ? { ...plan, route } : plan;
  };

  return {
    ipClient,
    anonymousPlan: (req) => withRoute(req, { client: ipClient(req), limit: effective(config.RATE_LIMIT_RPM) }),
    userPlan: (req, userId, jti) => withRoute(req, { client: `user:${userId}`, limit: effective(config.RATE_LIMIT_RPM), jti }),
    adminPlan: (req, userId, jti) => withRoute(req, { client: `admin:${userId}`, limit: effective(config.RATE_LIMIT_ADMIN_RPM), jti }),
    servicePlan: (req, appId, jti) =>
      withRoute(req, { client: `svc:${appId}`, limit: effective(config.RATE_LIMIT_SERVICE_RPM), ...(jti === undefined ? {} : { jti }) }),
    apply: (req, res, next) => {
      void global(req, res, (err?: unknown) => {
        if (err !== undefined) return next(err);
        if (planOf(req)?.route === undefined) return next();
        void perRoute(req, res, next);
      });
    },
  };
}

/** What the denylist mirror said in the limiter's round trip (undefined: ask Postgres). */
export function mirrorReadingOf(req: Request): WindowEnd['mirror'] {
  const reset = (req as AugmentedRequest).rateLimit?.resetTime;
  return reset instanceof WindowEnd ? reset.mirror : undefined;
}
