import { formBody, HttpError } from '@sentinel/http';
import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import cookieParser from 'cookie-parser';
import { Router, type ErrorRequestHandler, type Express } from 'express';
import type { Config } from './config';
import { createAuthContext } from './context';
import { createAdminLoginRouter } from './http/admin-login';
import { createClientAppsRouter } from './http/client-apps';
import { createCodeExchangeRouter } from './http/code-exchange';
import { createLoginRouter } from './http/login';
import { errorPage, LoginError } from './login/errors';

export type AppDeps = ServiceDeps<Config>;

/** Browser-facing errors of the login flow: a small HTML page for browsers, `{"detail"}` otherwise. */
const browserErrors: ErrorRequestHandler = (err: unknown, req, res, next) => {
  const wantsHtml = (req.headers.accept ?? '').includes('text/html');
  if (!wantsHtml || !(err instanceof HttpError) || res.headersSent) return next(err);
  const title = err instanceof LoginError ? err.title : 'Sign-in Error';
  res.status(err.status).type('html').send(errorPage(title, err.detail));
};

export function createApp(deps: AppDeps): Express {
  const ctx = createAuthContext(deps);
  const browser = Router();
  browser.use(cookieParser(deps.config.SESSION_SECRET_KEY));
  // The dev provider's form posts urlencoded.
  browser.use(formBody({ limit: '16kb' }));
  browser.use(createLoginRouter(ctx), createAdminLoginRouter(ctx));
  browser.use(browserErrors);
  return serviceApp(deps, [browser, createCodeExchangeRouter(ctx), createClientAppsRouter(ctx)]);
}
