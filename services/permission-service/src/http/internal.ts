import { purgeServiceRequestSchema, purgeServiceResponseSchema, serviceNameSchema } from '@sentinel/contracts';
import { parseInput, requireCaller, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { Resources } from '../domain/resources';

const serviceParams = z.object({ service_name: serviceNameSchema });

/**
 * POST /internal/services/{service_name}/purge (token-service only, before it deletes the service
 * app): every resource of the service and their shares go, and the affected workspaces' access
 * revisions are bumped. Idempotent, so token-service can simply retry.
 */
export function createInternalRouter(resources: Resources): Router {
  const router = Router();
  router.post('/internal/services/:service_name/purge', async (req, res) => {
    requireCaller(req, 'token-service');
    const { service_name } = parseInput(serviceParams, req.params, 'path');
    const body = parseInput(purgeServiceRequestSchema, req.body, 'body');
    const purged = await resources.purgeService(service_name, body.app_id, body.actor_id);
    req.log.info({ serviceName: service_name, appId: body.app_id, ...purged }, 'purged a service\'s resources');
    respond(res, purgeServiceResponseSchema, purged);
  });
  return router;
}
