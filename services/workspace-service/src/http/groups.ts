import {
  createGroupRequestSchema,
  groupListSchema,
  groupMemberAddedSchema,
  groupMemberListSchema,
  groupSchema,
  updateGroupRequestSchema,
  uuidSchema,
} from '@sentinel/contracts';
import { parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { WorkspaceContext } from '../domain/context';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  listGroupMembers,
  listGroups,
  removeGroupMember,
  updateGroup,
} from '../domain/groups';
import { workspaceActor } from './scope';

const groupParams = z.object({ groupId: uuidSchema });
const groupMemberParams = z.object({ groupId: uuidSchema, userId: uuidSchema });

/** Groups of the caller's workspace and their members. */
export function createGroupsRouter(ctx: WorkspaceContext): Router {
  const router = Router();
  const base = '/workspaces/:workspaceId/groups';

  router.post(base, async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const input = parseInput(createGroupRequestSchema, req.body, 'body');
    respond(res, groupSchema, await createGroup(ctx, actor, input), 201);
  });

  router.get(base, async (req, res) => {
    const actor = workspaceActor(req);
    respond(res, groupListSchema, await listGroups(ctx, actor.workspaceId));
  });

  router.patch(`${base}/:groupId`, async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const { groupId } = parseInput(groupParams, req.params, 'path');
    const input = parseInput(updateGroupRequestSchema, req.body, 'body');
    respond(res, groupSchema, await updateGroup(ctx, actor, groupId, input));
  });

  router.delete(`${base}/:groupId`, async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const { groupId } = parseInput(groupParams, req.params, 'path');
    await deleteGroup(ctx, actor, groupId);
    res.status(204).end();
  });

  router.get(`${base}/:groupId/members`, async (req, res) => {
    const actor = workspaceActor(req);
    const { groupId } = parseInput(groupParams, req.params, 'path');
    respond(res, groupMemberListSchema, await listGroupMembers(ctx, actor, groupId));
  });

  router.post(`${base}/:groupId/members/:userId`, async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const { groupId, userId } = parseInput(groupMemberParams, req.params, 'path');
    await addGroupMember(ctx, actor, groupId, userId);
    respond(res, groupMemberAddedSchema, { status: 'ok' }, 201);
  });

  router.delete(`${base}/:groupId/members/:userId`, async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const { groupId, userId } = parseInput(groupMemberParams, req.params, 'path');
    await removeGroupMember(ctx, actor, groupId, userId);
    res.status(204).end();
  });

  return router;
}
