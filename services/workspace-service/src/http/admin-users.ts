import {
  adminAddToWorkspaceRequestSchema,
  adminBulkStatusRequestSchema,
  adminBulkStatusResponseSchema,
  adminRevokeTokensResponseSchema,
  adminUpdateUserRequestSchema,
  adminUserDetailSchema,
  adminUserPageSchema,
  adminUserSearchQuerySchema,
  memberSchema,
  uuidSchema,
} from '@sentinel/contracts';
import { currentAdmin, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import { bulkStatus, getUser, listUsers, revokeTokens, updateUser } from '../domain/admin-users';
import type { WorkspaceContext } from '../domain/context';
import { addMember } from '../domain/members';
import { adminActor } from './admin-scope';

const userParams = z.object({ userId: uuidSchema });

/** /admin/users (admin tier): search, detail, activation and admin flag, memberships, sessions. */
export function createAdminUsersRouter(ctx: WorkspaceContext): Router {
  const router = Router();

  router.get('/admin/users', async (req, res) => {
    currentAdmin(req);
    const query = parseInput(adminUserSearchQuerySchema, req.query, 'query');
    respond(res, adminUserPageSchema, await listUsers(ctx, query));
  });

  router.post('/admin/users/bulk-status', async (req, res) => {
    const admin = currentAdmin(req);
    const input = parseInput(adminBulkStatusRequestSchema, req.body ?? {}, 'body');
    const affected = await bulkStatus(ctx, admin.user_id, input.user_ids, input.is_active);
    respond(res, adminBulkStatusResponseSchema, { status: 'ok', affected });
  });

  router.get('/admin/users/:userId', async (req, res) => {
    currentAdmin(req);
    const { userId } = parseInput(userParams, req.params, 'path');
    respond(res, adminUserDetailSchema, await getUser(ctx, userId));
  });

  router.patch('/admin/users/:userId', async (req, res) => {
    const admin = currentAdmin(req);
    const { userId } = parseInput(userParams, req.params, 'path');
    const input = parseInput(adminUpdateUserRequestSchema, req.body ?? {}, 'body');
    respond(res, adminUserDetailSchema, await updateUser(ctx, admin.user_id, userId, input));
  });

  router.post('/admin/users/:userId/workspaces', async (req, res) => {
    const admin = currentAdmin(req);
    const { userId } = parseInput(userParams, req.params, 'path');
    const input = parseInput(adminAddToWorkspaceRequestSchema, req.body ?? {}, 'body');
    respond(res, memberSchema, await addMember(ctx, adminActor(admin, input.workspace_id), userId, input.role), 201);
  });

  router.post('/admin/users/:userId/revoke-tokens', async (req, res) => {
    const admin = currentAdmin(req);
    const { userId } = parseInput(userParams, req.params, 'path');
    respond(res, adminRevokeTokensResponseSchema, { status: 'ok', tokens_revoked: await revokeTokens(ctx, admin.user_id, userId) });
  });

  return router;
}
