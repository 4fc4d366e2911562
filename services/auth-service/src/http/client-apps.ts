import {
  clientAppListSchema,
  clientAppSchema,
  createClientAppRequestSchema,
  updateClientAppRequestSchema,
  uuidSchema,
} from '@sentinel/contracts';
import { parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context';
import { requireActiveAdmin } from './admin-guard';

const idParams = z.object({ id: uuidSchema });

/** `/admin/client-apps`: the redirect-URI allowlist (admin tier), shapes as Sentinel Auth 0.7. */
export function createClientAppsRouter(ctx: AuthContext): Router {
  const router = Router();

  router.get('/admin/client-apps', async (req, res) => {
    await requireActiveAdmin(ctx, req);
    respond(res, clientAppListSchema, await ctx.clientApps.list());
  });

  router.post('/admin/client-apps', async (req, res) => {
    const admin = await requireActiveAdmin(ctx, req);
    const body = parseInput(createClientAppRequestSchema, req.body, 'body');
    respond(res, clientAppSchema, await ctx.clientApps.create(body, admin.user_id), 201);
  });

  router.get('/admin/client-apps/:id', async (req, res) => {
    await requireActiveAdmin(ctx, req);
    const { id } = parseInput(idParams, req.params, 'path');
    respond(res, clientAppSchema, await ctx.clientApps.get(id));
  });

  router.patch('/admin/client-apps/:id', async (req, res) => {
    const admin = await requireActiveAdmin(ctx, req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(updateClientAppRequestSchema, req.body, 'body');
    respond(res, clientAppSchema, await ctx.clientApps.update(id, body, admin.user_id));
  });

  router.delete('/admin/client-apps/:id', async (req, res) => {
    const admin = await requireActiveAdmin(ctx, req);
    const { id } = parseInput(idParams, req.params, 'path');
    await ctx.clientApps.remove(id, admin.user_id);
    res.status(204).end();
  });

  return router;
}
