import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import type { Express } from 'express';
import type { Config } from './config';
import { createAccessRepository } from './data/access';
import { createResourceRepository } from './data/resources';
import { createRoleRepository } from './data/roles';
import { createChecks } from './domain/checks';
import { createResources } from './domain/resources';
import { createRoles } from './domain/roles';
import { createAdminRolesRouter } from './http/admin-roles';
import { createChecksRouter } from './http/checks';
import { createPermissionsRouter } from './http/permissions';
import { createRolesRouter } from './http/roles';

export type AppDeps = ServiceDeps<Config>;

export function createApp(deps: AppDeps): Express {
  const access = createAccessRepository(deps.prisma);
  const resources = createResourceRepository(deps.prisma);
  const roles = createRoles(createRoleRepository(deps.prisma));
  return serviceApp(deps, [
    createChecksRouter(createChecks(access)),
    createPermissionsRouter(createResources({ resources, access })),
    createRolesRouter(roles),
    createAdminRolesRouter(roles),
  ]);
}
