import { z } from 'zod';

/**
 * Settings that one process enforces and another reports (workspace-service's
 * /admin/system/settings shows the gateway's limits and token-service's lifetimes): one schema,
 * so both read the same variables with the same defaults.
 */

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);
/** Requests per window; 0 switches that limit off. */
const perWindow = (fallback: number) => int(0, fallback);

/** The gateway's rate limits (shared by every replica through Redis). */
export const rateLimitEnvShape = {
  /** Fixed rate-limit window (seconds) of every limit below. */
  RATE_LIMIT_WINDOW_SECONDS: int(1, 60),
  /** Requests per window per client: the user for a valid token, else the client IP (0.7: 30/min). */
  RATE_LIMIT_RPM: perWindow(30),
  /** Requests per window per admin session (the admin tier: the panel makes several calls per page). */
  RATE_LIMIT_ADMIN_RPM: perWindow(600),
  /** Requests per window per service key (service and dual routes). */
  RATE_LIMIT_SERVICE_RPM: perWindow(6000),
  /** Per IP on /auth/login, /auth/callback, /auth/workspaces, /auth/token, /auth/refresh (0.7: 10/min). */
  RATE_LIMIT_AUTH_RPM: perWindow(10),
  /** Per IP on /auth/admin/login and /auth/admin/callback (0.7: 5/min). */
  RATE_LIMIT_ADMIN_LOGIN_RPM: perWindow(5),
  /** Per IP on the admin bulk-status, service-app creation and CSV execute mutations (0.7: 5/min). */
  RATE_LIMIT_ADMIN_BULK_RPM: perWindow(5),
  /** Per IP on POST /admin/users/{id}/revoke-tokens (0.7: 10/min). */
  RATE_LIMIT_ADMIN_REVOKE_RPM: perWindow(10),
  /** Per IP on POST /admin/service-apps/{id}/rotate-key (0.7: 3/min). */
  RATE_LIMIT_ADMIN_ROTATE_RPM: perWindow(3),
};

/** token-service's token lifetimes. */
export const tokenLifetimeEnvShape = {
  ACCESS_TOKEN_EXPIRE_MINUTES: z.coerce.number().positive().default(15),
  REFRESH_TOKEN_EXPIRE_DAYS: z.coerce.number().positive().default(7),
  ADMIN_TOKEN_EXPIRE_MINUTES: z.coerce.number().positive().default(60),
};

/** The denylist's readers (the gateway, token-service). */
export const denylistEnvShape = {
  /**
   * How long an epoch read from Postgres vouches for the Redis mirror (re-read every half of it):
   * a revocation whose mirror write failed is refused by every process within this time.
   */
  DENYLIST_EPOCH_MAX_AGE_MS: int(100, 1000),
};
