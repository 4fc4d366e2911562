import { createDenylist } from '@sentinel/denylist';
import {
  AuthenticationError,
  createHealthRouter,
  errorHandler,
  HttpError,
  NotFoundError,
  requestLogger,
  wellFormedUrl,
} from '@sentinel/http';
import { readinessChecks, type ServiceDeps } from '@sentinel/runtime';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { currentAdmin } from './auth/admin';
import { createAuthenticator, REVOKED_TOKEN, type Authenticated } from './auth';
import { createKeySet, type KeySet } from './auth/keys';
import { createServiceKeys, type ServiceKeys } from './auth/service-keys';
import { bodyLimit } from './body';
import type { GatewayConfig } from './config';
import { createCors } from './cors';
import { createIdentityMinter } from './forward';
import { securityHeadersMiddleware } from './headers';
import { allowedHosts, hostCheck } from './hosts';
import { createLimits, LIMIT_PLAN, mirrorReadingOf, type PlannedRequest } from './limits';
import { FORWARD_IDENTITY, type ForwardedRequest, type UpstreamProxies } from './proxy';
import { matchRoute, type Upstream } from './routes';

export interface GatewayDeps extends ServiceDeps<GatewayConfig> {
  proxies: UpstreamProxies;
  /** Built from the config when not given (tests may share or inspect them). */
  keys?: KeySet;
  serviceKeys?: ServiceKeys;
}

/** Refusals that count against the client IP's limit, so that guessing credentials is throttled too. */
const isCredentialFailure = (err: unknown) => err instanceof HttpError && (err.code === 'authentication' || err.code === 'not_allowed');

/**
 * The gateway: security headers, host check, health, CORS, body limits, then for every request
 * the route table (default deny), the route's tier check, the rate limits (one Redis round trip
 * that also reads the denylist mirror), the denylist verdict, the admin check, and forwarding
 * with the verified identity as a signed internal token.
 */
export function createApp(deps: GatewayDeps): Express {
  const { config, proxies } = deps;
  const keys =
    deps.keys ??
    createKeySet({
      tokenServiceUrl: config.TOKEN_SERVICE_URL,
      internalSecret: config.INTERNAL_SECRET,
      refreshIntervalMs: config.JWKS_REFRESH_INTERVAL_SECONDS * 1000,
      maxAgeMs: config.JWKS_MAX_AGE_SECONDS * 1000,
      logger: deps.logger,
    });
  if (!deps.keys) void keys.refresh();
  let serviceKeys = deps.serviceKeys;
  if (!serviceKeys) {
    const own = createServiceKeys({
      tokenServiceUrl: config.TOKEN_SERVICE_URL,
      internalSecret: config.INTERNAL_SECRET,
      redis: deps.redis,
      redisKeyPrefix: config.REDIS_KEY_PREFIX,
      cacheSeconds: config.SERVICE_KEY_CACHE_SECONDS,
      logger: deps.logger,
    });
    deps.onClose(() => own.close());
    serviceKeys = own;
  }
  const limits = createLimits({ config, redis: deps.redis, logger: deps.logger });
  const authenticator = createAuthenticator({
    keys,
    serviceKeys,
    limits,
    issuer: config.BASE_URL,
    clockSkewSeconds: config.JWT_CLOCK_SKEW_SECONDS,
  });
  const denylist = createDenylist(deps);
  const minter = createIdentityMinter(config.INTERNAL_SECRET, config.INTERNAL_TOKEN_TTL_SECONDS);

  const revoked = async (jti: string, req: Request): Promise<boolean> => {
    try {
      return await denylist.decide(jti, mirrorReadingOf(req));
    } catch (err) {
      // Neither the mirror nor Postgres could answer: refuse (fail closed), never forward.
      req.log.error({ err }, 'denylist unavailable');
      throw new HttpError('unavailable', 'Service unavailable');
    }
  };

  const forward = async (req: Request, res: Response, next: NextFunction, auth: Authenticated, upstream: Upstream) => {
    if (auth.jti !== undefined && (await revoked(auth.jti, req))) throw new AuthenticationError(REVOKED_TOKEN);
    let identityToken: string;
    if (auth.admin) {
      identityToken = minter.forward({ admin: await currentAdmin(deps.prisma, auth.admin) }, undefined);
    } else {
      const { user, service } = auth.identity;
      const cacheKey = user || service ? `${user?.token_id ?? ''}|${service?.app_id ?? ''}|${service?.service_name ?? ''}` : 'anonymous';
      identityToken = minter.forward(auth.identity, cacheKey);
    }
    (req as ForwardedRequest)[FORWARD_IDENTITY] = identityToken;
    await proxies.handlers[upstream](req, res, next);
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // req.ip: the socket's address, or with BEHIND_PROXY the last X-Forwarded-For entry (our proxy's).
  app.set('trust proxy', config.BEHIND_PROXY ? 1 : false);
  app.use(securityHeadersMiddleware(config.COOKIE_SECURE));
  app.use(requestLogger(deps.logger));
  app.use(hostCheck(allowedHosts(config)));
  app.use(createHealthRouter(readinessChecks(deps)));
  app.use(createCors({ prisma: deps.prisma, logger: deps.logger, configured: config.CORS_ORIGINS, adminUrl: config.ADMIN_URL, cacheSeconds: config.CORS_CACHE_SECONDS }));
  app.use(bodyLimit({ default: config.BODY_LIMIT_BYTES, csvImport: config.CSV_IMPORT_BODY_LIMIT_BYTES }));
  app.use(wellFormedUrl);
  app.use(async (req, res, next) => {
    const match = matchRoute(req.method, req.path);
    if ('notFound' in match) throw new NotFoundError();
    if ('methodNotAllowed' in match) {
      res.setHeader('allow', match.methodNotAllowed.join(', '));
      throw new HttpError('method_not_allowed', 'Method not allowed');
    }
    const { tier, upstream } = match.route;
    let auth: Authenticated;
    try {
      auth = await authenticate(req, tier);
    } catch (err) {
      if (!isCredentialFailure(err)) throw err;
      (req as PlannedRequest)[LIMIT_PLAN] = limits.anonymousPlan(req);
      limits.apply(req, res, () => next(err));
      return;
    }
    (req as PlannedRequest)[LIMIT_PLAN] = auth.plan;
    limits.apply(req, res, (err?: unknown) => {
      if (err !== undefined) return next(err);
      forward(req, res, next, auth, upstream).catch(next);
    });
  });
  app.use(errorHandler);
  return app;

  function authenticate(req: Request, tier: Parameters<typeof authenticator.authenticate>[0]) {
    return authenticator.authenticate(tier, req);
  }
}
