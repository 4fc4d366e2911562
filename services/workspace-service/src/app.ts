import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import type { Express } from 'express';
import type { Config } from './config';
import type { WorkspaceContext } from './domain/context';
import { createActivityRouter } from './http/activity';
import { createAdminActivityRouter } from './http/admin-activity';
import { createAdminExportRouter } from './http/admin-export';
import { createAdminGroupsRouter } from './http/admin-groups';
import { createAdminImportRouter } from './http/admin-import';
import { createAdminStatsRouter } from './http/admin-stats';
import { createAdminSystemRouter } from './http/admin-system';
import { createAdminUsersRouter } from './http/admin-users';
import { createAdminWorkspacesRouter } from './http/admin-workspaces';
import { createGroupsRouter } from './http/groups';
import { createMembersRouter } from './http/members';
import { createUsersRouter } from './http/users';
import { createWorkspacesRouter } from './http/workspaces';
import { createSessionRevoker } from './sessions';

export type AppDeps = ServiceDeps<Config>;

export function createApp(deps: AppDeps): Express {
  const ctx: WorkspaceContext = {
    prisma: deps.prisma,
    logger: deps.logger,
    sessions: createSessionRevoker(deps.config),
  };
  return serviceApp(deps, [
    createUsersRouter(ctx),
    createWorkspacesRouter(ctx),
    createMembersRouter(ctx),
    createGroupsRouter(ctx),
    createActivityRouter(ctx),
    createAdminUsersRouter(ctx),
    createAdminWorkspacesRouter(ctx),
    createAdminGroupsRouter(ctx),
    createAdminStatsRouter(ctx),
    createAdminActivityRouter(deps),
    createAdminSystemRouter(deps),
    createAdminImportRouter(deps),
    createAdminExportRouter(deps),
  ]);
}
