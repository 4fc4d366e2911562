import { systemHealthSchema, systemSettingsSchema } from '@sentinel/contracts';
import type { Database } from '@sentinel/db';
import { currentAdmin, respond, type Logger } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import { Router } from 'express';
import type { Config } from '../config';
import { systemHealth, systemSettings } from '../domain/system';

/** GET /admin/system/health (Postgres and Redis latency) and GET /admin/system/settings (never a secret). */
export function createAdminSystemRouter(deps: { prisma: Database; redis: Redis; logger: Logger; config: Config }): Router {
  const router = Router();
  router.get('/admin/system/health', async (req, res) => {
    currentAdmin(req);
    respond(res, systemHealthSchema, await systemHealth(deps));
  });
  router.get('/admin/system/settings', async (req, res) => {
    const admin = currentAdmin(req);
    respond(res, systemSettingsSchema, await systemSettings(deps, admin.user_id));
  });
  return router;
}
