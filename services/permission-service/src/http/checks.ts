import {
  accessibleRequestSchema,
  accessibleResponseSchema,
  checkPermissionsRequestSchema,
  checkPermissionsResponseSchema,
} from '@sentinel/contracts';
import { currentService, currentUser, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import type { Checks } from '../domain/checks';

/** POST /permissions/check and /permissions/accessible (dual tier: a service key and a user). */
export function createChecksRouter(checks: Checks): Router {
  const router = Router();

  router.post('/permissions/check', async (req, res) => {
    const service = currentService(req);
    const user = currentUser(req);
    const body = parseInput(checkPermissionsRequestSchema, req.body, 'body');
    respond(res, checkPermissionsResponseSchema, { results: await checks.check(service, user, body.checks) });
  });

  router.post('/permissions/accessible', async (req, res) => {
    const service = currentService(req);
    const user = currentUser(req);
    const body = parseInput(accessibleRequestSchema, req.body, 'body');
    respond(res, accessibleResponseSchema, await checks.accessible(service, user, body));
  });

  return router;
}
