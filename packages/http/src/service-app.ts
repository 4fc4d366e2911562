import express, { type Express, type Router } from 'express';
import { jsonBody } from './body';
import type { HttpError } from './errors';
import { errorHandler, notFoundHandler } from './error-handler';
import { createHealthRouter, type ReadinessCheck } from './health';
import { requireInternalIdentity } from './identity';
import { requestLogger, type Logger } from './logging';
import { wellFormedUrl } from './text';

export interface ServiceAppOptions {
  logger: Logger;
  internalSecret: string;
  readiness: Record<string, ReadinessCheck>;
  /** JSON body limit (default 1 MiB). */
  bodyLimit?: string;
  /**
   * Paths whose unreadable bodies answer this error instead of 422 (POST /auth/refresh answers
   * every failure with the same 401), or with 'ignore' reach the route with no body at all
   * (POST /auth/revoke answers 200 whatever it is sent).
   */
  bodyErrors?: Record<string, HttpError | 'ignore'>;
}

/**
 * The skeleton every service shares: request ids and logs, health and readiness (open), then the
 * trust boundary (every other route needs the gateway's internal identity), the text rule on the
 * URL and the JSON body (text.ts), the service's routers, and the one error handler.
 */
export function createServiceApp(options: ServiceAppOptions, routers: Router[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogger(options.logger));
  app.use(createHealthRouter(options.readiness));
  app.use(requireInternalIdentity(options.internalSecret));
  app.use(wellFormedUrl);
  const json = jsonBody({ limit: options.bodyLimit ?? '1mb' });
  app.use((req, res, next) => {
    json(req, res, (err?: unknown) => {
      const instead = err === undefined ? undefined : options.bodyErrors?.[req.path];
      if (instead !== 'ignore') return next(instead ?? err);
      req.body = undefined;
      next();
    });
  });
  for (const router of routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
