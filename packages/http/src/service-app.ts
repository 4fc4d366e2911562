import express, { type Express, type Router } from 'express';
import type { HttpError } from './errors';
import { errorHandler, notFoundHandler } from './error-handler';
import { createHealthRouter, type ReadinessCheck } from './health';
import { requireInternalIdentity } from './identity';
import { requestLogger, type Logger } from './logging';

export interface ServiceAppOptions {
  logger: Logger;
  internalSecret: string;
  readiness: Record<string, ReadinessCheck>;
  /** JSON body limit (default 1 MiB). */
  bodyLimit?: string;
  /**
   * Paths whose unparsable bodies answer this error instead of 422 (POST /auth/refresh answers
   * every failure with the same 401).
   */
  bodyErrors?: Record<string, HttpError>;
}

/**
 * The skeleton every service shares: request ids and logs, health and readiness (open), then the
 * trust boundary (every other route needs the gateway's internal identity), the service's
 * routers, and the one error handler.
 */
export function createServiceApp(options: ServiceAppOptions, routers: Router[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogger(options.logger));
  app.use(createHealthRouter(options.readiness));
  app.use(requireInternalIdentity(options.internalSecret));
  const json = express.json({ limit: options.bodyLimit ?? '1mb' });
  app.use((req, res, next) => {
    json(req, res, (err?: unknown) => next(err && (options.bodyErrors?.[req.path] ?? err)));
  });
  for (const router of routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
