import type { RequestHandler } from 'express';
import { securityHeaders } from '@sentinel/http';

/** Paths whose answers no cache may keep (0.7: /auth*, /admin*, /users*). */
export const isNoStorePath = (path: string) => /^\/(?:auth|admin|users)(?:\/|$)/.test(path);

/** Sets the security headers on every response, and no-store where it applies. */
export function securityHeadersMiddleware(cookieSecure: boolean): RequestHandler {
  const headers = securityHeaders(cookieSecure);
  return (req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    if (isNoStorePath(req.path)) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    next();
  };
}
