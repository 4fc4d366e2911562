import { createDenylist } from '@sentinel/denylist';
import { AuthenticationError } from '@sentinel/http';
import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import type { Express } from 'express';
import type { Config } from './config';
import { createInternalTokenRouter } from './http/internal-tokens';
import { createKeysAdminRouter, createWellKnownRouter } from './http/keys';
import { createMeRouter } from './http/me';
import { createServiceAppsRouter } from './http/service-apps';
import { createTokenRouter } from './http/tokens';
import { createKeyStore } from './keys';
import { createServiceApps, createServiceResources } from './service-apps';
import { INVALID_REFRESH_TOKEN, type TokenContext } from './tokens';

export type AppDeps = ServiceDeps<Config>;

export function createApp(deps: AppDeps): Express {
  const keys = createKeyStore(deps);
  const tokens: TokenContext = {
    prisma: deps.prisma,
    config: deps.config,
    keys,
    denylist: createDenylist(deps),
    logger: deps.logger,
  };
  return serviceApp(
    deps,
    [
      createMeRouter(),
      createWellKnownRouter(keys, deps.config),
      createKeysAdminRouter(keys),
      createTokenRouter(tokens),
      createInternalTokenRouter(tokens),
      createServiceAppsRouter(createServiceApps({ ...deps, resources: createServiceResources(deps.config) })),
    ],
    { bodyErrors: { '/auth/refresh': new AuthenticationError(INVALID_REFRESH_TOKEN), '/auth/revoke': 'ignore' } },
  );
}
