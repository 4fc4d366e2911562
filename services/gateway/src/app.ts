import express, { type Express } from 'express';
import {
  AuthenticationError,
  createHealthRouter,
  errorHandler,
  HttpError,
  mintInternalToken,
  NotFoundError,
  requestLogger,
  type Identity,
  type Logger,
} from '@sentinel/http';
import type { Database } from '@sentinel/db';
import type { Redis } from '@sentinel/redis';
import { readinessChecks } from '@sentinel/runtime';
import type { GatewayConfig } from './config';
import { FORWARD_IDENTITY, type ForwardedRequest, type UpstreamProxies } from './proxy';
import { matchRoute, type Tier } from './routes';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  prisma: Database;
  redis: Redis;
  proxies: UpstreamProxies;
}

/**
 * Until the gateway verifies credentials (JWT, service key, admin cookie), it forwards anonymous
 * callers only: routes of any other tier are refused here, before reaching a service.
 */
function identityFor(tier: Tier): Identity {
  if (tier !== 'public') throw new AuthenticationError('Not authenticated');
  return {};
}

export function createApp(deps: GatewayDeps): Express {
  const { config, proxies } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogger(deps.logger));
  app.use(createHealthRouter(readinessChecks(deps)));
  app.use((req, res, next) => {
    const match = matchRoute(req.method, req.path);
    if ('notFound' in match) throw new NotFoundError();
    if ('methodNotAllowed' in match) {
      res.setHeader('allow', match.methodNotAllowed.join(', '));
      throw new HttpError('method_not_allowed', 'Method not allowed');
    }
    const identity = identityFor(match.route.tier);
    (req as ForwardedRequest)[FORWARD_IDENTITY] = mintInternalToken(config.INTERNAL_SECRET, identity, {
      ttlSeconds: config.INTERNAL_TOKEN_TTL_SECONDS,
    });
    proxies.handlers[match.route.upstream](req, res, next).catch(next);
  });
  app.use(errorHandler);
  return app;
}
