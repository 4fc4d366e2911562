import {
  adminWorkspacePageSchema,
  adminWorkspaceSchema,
  adminWorkspaceSearchQuerySchema,
  createGroupRequestSchema,
  createWorkspaceRequestSchema,
  groupListSchema,
  groupSchema,
  invitationSchema,
  inviteMemberRequestSchema,
  memberListSchema,
  memberSchema,
  memberSearchQuerySchema,
  updateMemberRequestSchema,
  updateWorkspaceRequestSchema,
  uuidSchema,
  workspaceSummaryListSchema,
} from '@sentinel/contracts';
import { currentAdmin, parseInput, respond } from '@sentinel/http';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { getAdminWorkspace, listAllWorkspaces, listWorkspacePage } from '../domain/admin-workspaces';
import type { Actor, WorkspaceContext } from '../domain/context';
import { createGroup, listGroups } from '../domain/groups';
import { invite } from '../domain/invitations';
import { changeRole, listMembers, removeMember } from '../domain/members';
import { createWorkspace, deleteWorkspace, getWorkspace, updateWorkspace } from '../domain/workspaces';
import { adminActor } from './admin-scope';

const workspaceParams = z.object({ workspaceId: uuidSchema });
const memberParams = z.object({ workspaceId: uuidSchema, userId: uuidSchema });

/** The admin, acting as an owner of the path's workspace. */
function actorFor(req: Request): Actor {
  const admin = currentAdmin(req);
  const { workspaceId } = parseInput(workspaceParams, req.params, 'path');
  return adminActor(admin, workspaceId);
}

/**
 * /admin/workspaces (admin tier; …/roles belongs to permission-service): the same domain
 * functions as the /workspaces routes, with the admin acting as an owner of any workspace.
 */
export function createAdminWorkspacesRouter(ctx: WorkspaceContext): Router {
  const router = Router();
  const one = '/admin/workspaces/:workspaceId';

  router.get('/admin/workspaces', async (req, res) => {
    currentAdmin(req);
    const query = parseInput(adminWorkspaceSearchQuerySchema, req.query, 'query');
    respond(res, adminWorkspacePageSchema, await listWorkspacePage(ctx, query));
  });

  router.get('/admin/workspaces/all', async (req, res) => {
    currentAdmin(req);
    respond(res, workspaceSummaryListSchema, await listAllWorkspaces(ctx));
  });

  router.post('/admin/workspaces', async (req, res) => {
    const admin = currentAdmin(req);
    const input = parseInput(createWorkspaceRequestSchema, req.body ?? {}, 'body');
    const workspace = await createWorkspace(ctx, admin.user_id, input);
    respond(res, adminWorkspaceSchema, await getAdminWorkspace(ctx, workspace.id), 201);
  });

  router.get(one, async (req, res) => {
    const actor = actorFor(req);
    respond(res, adminWorkspaceSchema, await getAdminWorkspace(ctx, actor.workspaceId));
  });

  router.patch(one, async (req, res) => {
    const actor = actorFor(req);
    const input = parseInput(updateWorkspaceRequestSchema, req.body ?? {}, 'body');
    await updateWorkspace(ctx, actor, input);
    respond(res, adminWorkspaceSchema, await getAdminWorkspace(ctx, actor.workspaceId));
  });

  router.delete(one, async (req, res) => {
    await deleteWorkspace(ctx, actorFor(req));
    res.status(204).end();
  });

  router.get(`${one}/members`, async (req, res) => {
    const actor = actorFor(req);
    const query = parseInput(memberSearchQuerySchema, req.query, 'query');
    await getWorkspace(ctx, actor.workspaceId); // 404 rather than an empty list
    respond(res, memberListSchema, await listMembers(ctx, actor.workspaceId, query));
  });

  router.post(`${one}/members/invite`, async (req, res) => {
    const actor = actorFor(req);
    const input = parseInput(inviteMemberRequestSchema, req.body ?? {}, 'body');
    const result = await invite(ctx, actor, input);
    if (result.kind === 'member') respond(res, memberSchema, result.member, 201);
    else respond(res, invitationSchema, result.invitation, 201);
  });

  router.patch(`${one}/members/:userId`, async (req, res) => {
    const actor = actorFor(req);
    const { userId } = parseInput(memberParams, req.params, 'path');
    const { role } = parseInput(updateMemberRequestSchema, req.body ?? {}, 'body');
    respond(res, memberSchema, await changeRole(ctx, actor, userId, role));
  });

  router.delete(`${one}/members/:userId`, async (req, res) => {
    const actor = actorFor(req);
    const { userId } = parseInput(memberParams, req.params, 'path');
    await removeMember(ctx, actor, userId);
    res.status(204).end();
  });

  router.get(`${one}/groups`, async (req, res) => {
    const actor = actorFor(req);
    await getWorkspace(ctx, actor.workspaceId); // 404 rather than an empty list
    respond(res, groupListSchema, await listGroups(ctx, actor.workspaceId));
  });

  router.post(`${one}/groups`, async (req, res) => {
    const actor = actorFor(req);
    const input = parseInput(createGroupRequestSchema, req.body ?? {}, 'body');
    respond(res, groupSchema, await createGroup(ctx, actor, input), 201);
  });

  return router;
}
