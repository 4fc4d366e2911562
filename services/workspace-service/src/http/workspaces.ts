import { createWorkspaceRequestSchema, updateWorkspaceRequestSchema, workspaceListSchema, workspaceSchema } from '@sentinel/contracts';
import { currentUser, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import type { WorkspaceContext } from '../domain/context';
import { createWorkspace, deleteWorkspace, getWorkspace, listWorkspaces, updateWorkspace } from '../domain/workspaces';
import { workspaceActor } from './scope';

/** /workspaces and /workspaces/{id}. */
export function createWorkspacesRouter(ctx: WorkspaceContext): Router {
  const router = Router();

  router.post('/workspaces', async (req, res) => {
    const { user_id } = currentUser(req);
    const input = parseInput(createWorkspaceRequestSchema, req.body, 'body');
    respond(res, workspaceSchema, await createWorkspace(ctx, user_id, input), 201);
  });

  router.get('/workspaces', async (req, res) => {
    const { user_id } = currentUser(req);
    respond(res, workspaceListSchema, await listWorkspaces(ctx, user_id));
  });

  router.get('/workspaces/:workspaceId', async (req, res) => {
    const actor = workspaceActor(req);
    respond(res, workspaceSchema, await getWorkspace(ctx, actor.workspaceId));
  });

  router.patch('/workspaces/:workspaceId', async (req, res) => {
    const actor = workspaceActor(req, 'admin');
    const input = parseInput(updateWorkspaceRequestSchema, req.body, 'body');
    respond(res, workspaceSchema, await updateWorkspace(ctx, actor, input));
  });

  router.delete('/workspaces/:workspaceId', async (req, res) => {
    const actor = workspaceActor(req, 'owner');
    await deleteWorkspace(ctx, actor);
    res.status(204).end();
  });

  return router;
}
