import { groupMemberAddedSchema, groupMemberListSchema, groupSchema, updateGroupRequestSchema, uuidSchema } from '@sentinel/contracts';
import { currentAdmin, parseInput, respond } from '@sentinel/http';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Actor, WorkspaceContext } from '../domain/context';
import { addGroupMember, deleteGroup, groupWorkspaceId, listGroupMembers, removeGroupMember, updateGroup } from '../domain/groups';
import { adminActor } from './admin-scope';

const params = z.object({ groupId: uuidSchema, userId: uuidSchema.optional() });

/**
 * /admin/groups/{id} (admin tier): the group routes' domain functions, with the admin acting as
 * an owner of the group's workspace.
 */
export function createAdminGroupsRouter(ctx: WorkspaceContext): Router {
  const router = Router();
  const one = '/admin/groups/:groupId';

  /** The admin as an owner of the group's workspace (404 for an unknown group), and the ids in the path. */
  async function scope(req: Request): Promise<{ actor: Actor; groupId: string; userId: string }> {
    const admin = currentAdmin(req);
    const { groupId, userId = '' } = parseInput(params, req.params, 'path');
    return { actor: adminActor(admin, await groupWorkspaceId(ctx, groupId)), groupId, userId };
  }

  router.patch(one, async (req, res) => {
    const input = parseInput(updateGroupRequestSchema, req.body ?? {}, 'body');
    const { actor, groupId } = await scope(req);
    respond(res, groupSchema, await updateGroup(ctx, actor, groupId, input));
  });

  router.delete(one, async (req, res) => {
    const { actor, groupId } = await scope(req);
    await deleteGroup(ctx, actor, groupId);
    res.status(204).end();
  });

  router.get(`${one}/members`, async (req, res) => {
    const { actor, groupId } = await scope(req);
    respond(res, groupMemberListSchema, await listGroupMembers(ctx, actor, groupId));
  });

  router.post(`${one}/members/:userId`, async (req, res) => {
    const { actor, groupId, userId } = await scope(req);
    await addGroupMember(ctx, actor, groupId, userId);
    respond(res, groupMemberAddedSchema, { status: 'ok' }, 201);
  });

  router.delete(`${one}/members/:userId`, async (req, res) => {
    const { actor, groupId, userId } = await scope(req);
    await removeGroupMember(ctx, actor, groupId, userId);
    res.status(204).end();
  });

  return router;
}
