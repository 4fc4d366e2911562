import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import type { Express } from 'express';
import type { Config } from './config';
import type { WorkspaceContext } from './domain/context';
import { createActivityRouter } from './http/activity';
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
  ]);
}
