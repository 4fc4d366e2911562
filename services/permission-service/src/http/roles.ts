import {
  checkActionRequestSchema,
  checkActionResponseSchema,
  registerActionsRequestSchema,
  serviceActionListSchema,
  userActionsQuerySchema,
  userActionsResponseSchema,
  type ServiceActionBody,
} from '@sentinel/contracts';
import { currentService, currentUser, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import type { ServiceAction } from '../data/roles';
import type { Roles } from '../domain/roles';

export function toServiceActionBody(action: ServiceAction): ServiceActionBody {
  return {
    id: action.id,
    service_name: action.serviceName,
    action: action.action,
    description: action.description,
    created_at: action.createdAt.toISOString(),
  };
}

/** /roles/actions/register (service tier), /roles/check-action and /roles/user-actions (dual tier). */
export function createRolesRouter(roles: Roles): Router {
  const router = Router();

  router.post('/roles/actions/register', async (req, res) => {
    const service = currentService(req);
    const body = parseInput(registerActionsRequestSchema, req.body, 'body');
    respond(res, serviceActionListSchema, (await roles.registerActions(service, body)).map(toServiceActionBody), 201);
  });

  router.post('/roles/check-action', async (req, res) => {
    const service = currentService(req);
    const user = currentUser(req);
    const body = parseInput(checkActionRequestSchema, req.body, 'body');
    respond(res, checkActionResponseSchema, await roles.checkAction(service, user, body));
  });

  router.get('/roles/user-actions', async (req, res) => {
    const service = currentService(req);
    const user = currentUser(req);
    const query = parseInput(userActionsQuerySchema, req.query, 'query');
    respond(res, userActionsResponseSchema, await roles.userActions(service, user, query));
  });

  return router;
}
