import type { Database } from '@sentinel/db';
import type { Logger } from '@sentinel/http';
import cors from 'cors';
import type { RequestHandler } from 'express';

/** The scheme://host[:port] of a URL, or undefined when it is not an http(s) URL. */
export function originOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
}

export interface CorsOptions {
  prisma: Database;
  logger: Logger;
  /** CORS_ORIGINS. */
  configured: readonly string[];
  /** ADMIN_URL: the admin panel calls the gateway with credentials. */
  adminUrl: string;
  cacheSeconds: number;
}

/**
 * CORS as docs/api.md: only CORS_ORIGINS, the origins of active client apps' redirect URIs (read from
 * Postgres, cached CORS_CACHE_SECONDS and refreshed in the background) and ADMIN_URL's origin get
 * CORS headers, always the exact origin with credentials (never `*`); any other origin gets none.
 * Requests without an Origin header skip all of this.
 */
export function createCors(options: CorsOptions): RequestHandler {
  const fixed = new Set<string>();
  for (const o of [...options.configured, options.adminUrl]) {
    const origin = originOf(o);
    if (origin) fixed.add(origin);
  }
  let fromApps = new Set<string>();
  let loadedAt = 0;
  let loading: Promise<void> | undefined;

  const load = () => {
    loading ??= (async () => {
      try {
        const apps = await options.prisma.clientApp.findMany({ where: { isActive: true }, select: { redirectUris: true } });
        const next = new Set<string>();
        for (const app of apps) for (const uri of app.redirectUris) {
          const origin = originOf(uri);
          if (origin) next.add(origin);
        }
        fromApps = next;
        loadedAt = Date.now();
      } catch (err) {
        options.logger.warn({ err }, 'CORS: could not read client apps; keeping the origins we have');
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  };

  const allowed = async (origin: string): Promise<boolean> => {
    if (fixed.has(origin)) return true;
    if (loadedAt === 0) await load();
    else if (Date.now() - loadedAt > options.cacheSeconds * 1000) void load();
    return fromApps.has(origin);
  };

  const handler = cors({
    origin: (origin, callback) => {
      if (origin === undefined) return callback(null, false);
      allowed(origin).then(
        (ok) => callback(null, ok ? origin : false),
        (err: unknown) => callback(err as Error),
      );
    },
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Service-Key', 'X-Requested-With', 'X-Request-ID'],
    exposedHeaders: ['X-Request-ID', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  });

  return (req, res, next) => {
    if (req.headers.origin === undefined) return next();
    handler(req, res, next);
  };
}
