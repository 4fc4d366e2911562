import { adminStatsSchema } from '@sentinel/contracts';
import { currentAdmin, respond } from '@sentinel/http';
import { Router } from 'express';
import { getStats } from '../domain/admin-stats';
import type { WorkspaceContext } from '../domain/context';

/** GET /admin/stats (admin tier): the dashboard's totals. */
export function createAdminStatsRouter(ctx: WorkspaceContext): Router {
  const router = Router();
  router.get('/admin/stats', async (req, res) => {
    currentAdmin(req);
    respond(res, adminStatsSchema, await getStats(ctx));
  });
  return router;
}
