import express, { type Express, type Router } from 'express';
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
  app.use(express.json({ limit: options.bodyLimit ?? '1mb' }));
  for (const router of routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
