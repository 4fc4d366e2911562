import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import type { Express } from 'express';
import type { Config } from './config';
import { createAccessRepository } from './data/access';
import { createAdminPermissionRepository } from './data/admin-permissions';
import { createCheckPool } from './data/pool';
import { createResourceRepository } from './data/resources';
import { createRoleRepository } from './data/roles';
import { createChecks } from './domain/checks';
import { createRevisionCache } from './domain/revision-cache';
import { createResources } from './domain/resources';
import { createRoles } from './domain/roles';
import { createAdminPermissionsRouter } from './http/admin-permissions';
import { createAdminRolesRouter } from './http/admin-roles';
import { createChecksRouter } from './http/checks';
import { createInternalRouter } from './http/internal';
import { createPermissionsRouter } from './http/permissions';
import { createRolesRouter } from './http/roles';

export type AppDeps = ServiceDeps<Config>;

export function createApp(deps: AppDeps): Express {
  const access = createAccessRepository(deps.prisma, createCheckPool(deps));
  const resources = createResources({
    resources: createResourceRepository(deps.prisma),
    access,
    adminList: createAdminPermissionRepository(deps.prisma),
  });
  const roles = createRoles(createRoleRepository(deps.prisma));
  return serviceApp(deps, [
    createChecksRouter(createChecks(access, createRevisionCache(deps.config.PERMISSION_CACHE_SIZE))),
    createPermissionsRouter(resources),
    createAdminPermissionsRouter(resources),
    createInternalRouter(resources),
    createRolesRouter(roles),
    createAdminRolesRouter(roles),
  ]);
}
