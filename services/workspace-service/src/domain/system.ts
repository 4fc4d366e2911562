import type { SystemHealth, SystemSettings } from '@sentinel/contracts';
import { recordActivity, type Database } from '@sentinel/db';
import type { Logger } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import packageJson from '../../package.json';
import type { Config } from '../config';

type Check = SystemHealth['checks']['database'];

const PROBE_TIMEOUT_MS = 2000;

/** Times one probe. The error is a fixed word: a driver's message may name hosts or credentials. */
async function probe(name: string, logger: Logger, run: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([run(), timeout]);
    return { status: 'ok', latency_ms: Math.round((performance.now() - started) * 100) / 100, error: null };
  } catch (err) {
    logger.warn({ err, check: name }, 'system health check failed');
    return { status: 'error', latency_ms: null, error: err instanceof Error && err.message === 'timed out' ? 'timed out' : 'unavailable' };
  } finally {
    clearTimeout(timer);
  }
}

/** GET /admin/system/health: both stores probed at once; either failing makes the system degraded. */
export async function systemHealth(deps: { prisma: Database; redis: Redis; logger: Logger }): Promise<SystemHealth> {
  const [database, redis] = await Promise.all([
    probe('database', deps.logger, () => deps.prisma.$queryRaw`SELECT 1`),
    probe('redis', deps.logger, () => deps.redis.ping()),
  ]);
  return {
    status: database.status === 'ok' && redis.status === 'ok' ? 'healthy' : 'degraded',
    checks: { database, redis },
    uptime_seconds: Math.floor(process.uptime()),
    version: packageJson.version,
  };
}

/** The sign-in providers auth-service enables with this configuration (its rules: both halves, Entra also a tenant). */
function oauthProviders(config: Config): string[] {
  const providers: string[] = [];
  if (config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET) providers.push('google');
  if (config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET) providers.push('github');
  if (config.ENTRA_CLIENT_ID && config.ENTRA_CLIENT_SECRET && config.ENTRA_TENANT_ID) providers.push('entra_id');
  providers.push(...config.OIDC_PROVIDERS);
  if (config.DEV_LOGIN && config.NODE_ENV !== 'production') providers.push('dev');
  return providers;
}

/**
 * GET /admin/system/settings: what is configured, built field by field from non-secret values
 * (secrets only as "configured: yes/no"); the view itself is logged.
 */
export async function systemSettings(deps: { prisma: Database; config: Config }, adminId: string): Promise<SystemSettings> {
  const { prisma, config } = deps;
  return prisma.$transaction(async (tx) => {
    // The key that signs now: the newest still published whose activation time has come (a key
    // published ahead of a rotation is newer but does not sign yet).
    const now = new Date();
    const key = await tx.signingKey.findFirst({
      where: { activatesAt: { lte: now }, OR: [{ publishUntil: null }, { publishUntil: { gt: now } }] },
      orderBy: { activatesAt: 'desc' },
      select: { publicKeyPem: true },
    });
    const denylisted = await tx.revokedAccessToken.count({ where: { expiresAt: { gt: new Date() } } });
    const serviceApps = await tx.serviceApp.findMany({
      where: { isActive: true },
      orderBy: { serviceName: 'asc' },
      select: { serviceName: true, keyPrefix: true },
    });
    await recordActivity(tx, { action: 'view_system_settings', actorId: adminId, targetType: 'system' });
    return {
      oauth_providers: oauthProviders(config),
      jwt: {
        algorithm: 'RS256',
        access_token_expire_minutes: config.ACCESS_TOKEN_EXPIRE_MINUTES,
        refresh_token_expire_days: config.REFRESH_TOKEN_EXPIRE_DAYS,
        admin_token_expire_minutes: config.ADMIN_TOKEN_EXPIRE_MINUTES,
        public_key_preview: key ? key.publicKeyPem.slice(0, 80) : null,
        denylist_count: denylisted,
      },
      security: {
        cookie_secure: config.COOKIE_SECURE,
        allowed_hosts: [...config.ALLOWED_HOSTS],
        cors_origins: [...config.CORS_ORIGINS],
        session_secret_configured: config.SESSION_SECRET_KEY,
        admin_emails: [...config.ADMIN_EMAILS],
      },
      rate_limits: {
        window_seconds: config.RATE_LIMIT_WINDOW_SECONDS,
        per_client: config.RATE_LIMIT_RPM,
        per_admin_session: config.RATE_LIMIT_ADMIN_RPM,
        per_service_key: config.RATE_LIMIT_SERVICE_RPM,
        auth: config.RATE_LIMIT_AUTH_RPM,
        admin_login: config.RATE_LIMIT_ADMIN_LOGIN_RPM,
        admin_bulk: config.RATE_LIMIT_ADMIN_BULK_RPM,
        admin_revoke_tokens: config.RATE_LIMIT_ADMIN_REVOKE_RPM,
        admin_rotate_key: config.RATE_LIMIT_ADMIN_ROTATE_RPM,
      },
      // The key prefix is the public lookup part (`sk_` + 12 characters), shown in every key list.
      service_keys: serviceApps.map((a) => ({ name: a.serviceName, preview: `${a.keyPrefix}****` })),
      // Sentinel has no FRONTEND_URL (0.7's); client apps' redirect URIs replace it.
      service: { base_url: config.BASE_URL, frontend_url: null, admin_url: config.ADMIN_URL },
    };
  });
}
