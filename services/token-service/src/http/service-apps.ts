import {
  createServiceAppRequestSchema,
  rotateServiceKeyRequestSchema,
  serviceAppListSchema,
  serviceAppSchema,
  serviceAppWithKeySchema,
  updateServiceAppRequestSchema,
  uuidSchema,
  verifyServiceKeyRequestSchema,
  verifyServiceKeyResponseSchema,
  type ServiceAppBody,
} from '@sentinel/contracts';
import { AuthenticationError, currentAdmin, parseInput, requireCaller, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { ServiceApp, ServiceApps } from '../service-apps';

const idParams = z.object({ id: uuidSchema });
export const INVALID_SERVICE_KEY = 'Invalid or missing service API key';

function toBody(app: ServiceApp): ServiceAppBody {
  return {
    id: app.id,
    name: app.name,
    service_name: app.serviceName,
    key_prefix: app.keyPrefix,
    is_active: app.isActive,
    last_used_at: app.lastUsedAt?.toISOString() ?? null,
    created_by: app.createdBy,
    created_at: app.createdAt.toISOString(),
    updated_at: app.updatedAt.toISOString(),
  };
}

/** /admin/service-apps (admin tier), as Sentinel Auth 0.7; the key is shown on create and rotate only. */
export function createServiceAppsAdminRouter(serviceApps: ServiceApps): Router {
  const router = Router();

  router.get('/admin/service-apps', async (req, res) => {
    currentAdmin(req);
    respond(res, serviceAppListSchema, (await serviceApps.list()).map(toBody));
  });

  router.post('/admin/service-apps', async (req, res) => {
    const admin = currentAdmin(req);
    const body = parseInput(createServiceAppRequestSchema, req.body, 'body');
    const { app, apiKey } = await serviceApps.create({ name: body.name, serviceName: body.service_name }, admin.user_id);
    respond(res, serviceAppWithKeySchema, { ...toBody(app), api_key: apiKey }, 201);
  });

  router.get('/admin/service-apps/:id', async (req, res) => {
    currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    respond(res, serviceAppSchema, toBody(await serviceApps.get(id)));
  });

  router.patch('/admin/service-apps/:id', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(updateServiceAppRequestSchema, req.body, 'body');
    const app = await serviceApps.update(
      id,
      { ...(body.name === undefined ? {} : { name: body.name }), ...(body.is_active === undefined ? {} : { isActive: body.is_active }) },
      admin.user_id,
    );
    respond(res, serviceAppSchema, toBody(app));
  });

  router.post('/admin/service-apps/:id/rotate-key', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(rotateServiceKeyRequestSchema, req.body ?? {}, 'body');
    const { app, apiKey } = await serviceApps.rotateKey(id, body.overlap_seconds, admin.user_id);
    respond(res, serviceAppWithKeySchema, { ...toBody(app), api_key: apiKey });
  });

  router.delete('/admin/service-apps/:id', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    await serviceApps.delete(id, admin.user_id);
    res.status(204).end();
  });

  return router;
}

/**
 * POST /internal/service-keys/verify (the gateway only): `{key}` → `{app_id, service_name}`, or
 * 401 for every kind of bad key, so that the answer tells nothing about why.
 */
export function createServiceKeyVerifyRouter(serviceApps: ServiceApps): Router {
  const router = Router();
  router.post('/internal/service-keys/verify', async (req, res) => {
    requireCaller(req, 'gateway');
    const { key } = parseInput(verifyServiceKeyRequestSchema, req.body, 'body');
    const verified = await serviceApps.verify(key);
    if (!verified) throw new AuthenticationError(INVALID_SERVICE_KEY);
    respond(res, verifyServiceKeyResponseSchema, { app_id: verified.appId, service_name: verified.serviceName });
  });
  return router;
}

/** Both of the above: what createApp mounts. */
export function createServiceAppsRouter(serviceApps: ServiceApps): Router {
  const router = Router();
  router.use(createServiceAppsAdminRouter(serviceApps), createServiceKeyVerifyRouter(serviceApps));
  return router;
}
