import {
  invitationListSchema,
  invitationSchema,
  inviteMemberRequestSchema,
  memberListSchema,
  memberSchema,
  memberSearchQuerySchema,
  updateMemberRequestSchema,
  uuidSchema,
} from '@sentinel/contracts';
import { parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { WorkspaceContext } from '../domain/context';
import { invite, listInvitations, revokeInvitation } from '../domain/invitations';
import { changeRole, listMembers, removeMember } from '../domain/members';
import { workspaceActor } from './scope';

const userParams = z.object({ userId: uuidSchema });
const invitationParams = z.object({ invitationId: uuidSchema });

/** Members and invitations of the caller's workspace. */
export function createMembersRouter(ctx: WorkspaceContext): Router {
  const router = Router();

  router.get('/workspaces/:workspaceId/members', async (req, res) => {
    const actor = workspaceActor(req);
    const query = parseInput(memberSearchQuerySchema, req.query, 'query');
    respond(res, memberListSchema, await listMembers(ctx, actor.workspaceId, query));
  });

  router.post('/workspaces/:workspaceId/members/invite', async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const input = parseInput(inviteMemberRequestSchema, req.body, 'body');
    const result = await invite(ctx, actor, input);
    if (result.kind === 'member') respond(res, memberSchema, result.member, 201);
    else respond(res, invitationSchema, result.invitation, 201);
  });

  router.patch('/workspaces/:workspaceId/members/:userId', async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const { userId } = parseInput(userParams, req.params, 'path');
    const { role } = parseInput(updateMemberRequestSchema, req.body, 'body');
    respond(res, memberSchema, await changeRole(ctx, actor, userId, role));
  });

  router.delete('/workspaces/:workspaceId/members/:userId', async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const { userId } = parseInput(userParams, req.params, 'path');
    await removeMember(ctx, actor, userId);
    res.status(204).end();
  });

  router.get('/workspaces/:workspaceId/invitations', async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    respond(res, invitationListSchema, await listInvitations(ctx, actor.workspaceId));
  });

  router.delete('/workspaces/:workspaceId/invitations/:invitationId', async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const { invitationId } = parseInput(invitationParams, req.params, 'path');
    await revokeInvitation(ctx, actor, invitationId);
    res.status(204).end();
  });

  return router;
}
