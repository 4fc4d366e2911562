import { activityChainVerificationSchema } from '@sentinel/contracts';
import { currentAdmin, respond } from '@sentinel/http';
import { Router } from 'express';
import { verifyChain } from '../activity/verify';
import type { WorkspaceContext } from '../domain/context';

/** GET /admin/activity/verify (admin tier): the activity log's hash chain and its first broken link. */
export function createActivityRouter(ctx: WorkspaceContext): Router {
  const router = Router();
  router.get('/admin/activity/verify', async (req, res) => {
    currentAdmin(req);
    respond(res, activityChainVerificationSchema, await verifyChain(ctx.prisma));
  });
  return router;
}
