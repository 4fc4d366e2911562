import { createKeyRing, type KeyRing } from '@sentinel/crypto';
import type { Database } from '@sentinel/db';
import { createServiceClient, type Logger, type ServiceClient } from '@sentinel/http';
import type { Config } from './config';
import { createClientApps, type ClientApps } from './client-apps';
import { createCodeStore, type CodeStore } from './login/codes';
import { createPendingLinkStore, type PendingLinkStore } from './login/pending-links';
import { createLoginStateStore, type LoginStateStore } from './login/state';
import { createProviderRegistry, type ProviderRegistry } from './providers';
import type { AppDeps } from './app';

/** Everything the auth routes use, built once per app from its deps. */
export interface AuthContext {
  config: Config;
  prisma: Database;
  logger: Logger;
  keys: KeyRing;
  states: LoginStateStore;
  codes: CodeStore;
  /** Sign-ins waiting for `reauthenticate` account linking, one per browser. */
  pendingLinks: PendingLinkStore;
  providers: ProviderRegistry;
  clientApps: ClientApps;
  /** token-service's internal API. */
  tokens: ServiceClient;
}

export function createAuthContext(deps: AppDeps): AuthContext {
  const { config } = deps;
  const states = createLoginStateStore({ cookieSecure: config.COOKIE_SECURE, redis: deps.redis });
  const tokens = createServiceClient({ baseUrl: config.TOKEN_SERVICE_URL, secret: config.INTERNAL_SECRET, caller: 'auth-service' });
  return {
    config,
    prisma: deps.prisma,
    logger: deps.logger,
    keys: createKeyRing({ current: config.ENCRYPTION_KEY, previous: config.ENCRYPTION_KEY_PREVIOUS }),
    states,
    codes: createCodeStore(deps.redis),
    pendingLinks: createPendingLinkStore({ redis: deps.redis, cookieSecure: config.COOKIE_SECURE, ttlSeconds: config.ACCOUNT_LINK_TTL_SECONDS }),
    providers: createProviderRegistry(config, states, deps.logger),
    clientApps: createClientApps(deps.prisma, tokens),
    tokens,
  };
}
