import { currentAdmin } from '@sentinel/http';
import type { Database } from '@sentinel/db';
import { Router } from 'express';
import { toCsv } from '../csv';
import { exportUsers, exportWorkspaces, USER_EXPORT_COLUMNS, WORKSPACE_EXPORT_COLUMNS } from '../domain/exports';
import { sendCsv } from './csv-response';

/** GET /admin/export/users and /admin/export/workspaces: CSV downloads, each logged. */
export function createAdminExportRouter(deps: { prisma: Database }): Router {
  const router = Router();
  router.get('/admin/export/users', async (req, res) => {
    const admin = currentAdmin(req);
    const result = await exportUsers(deps.prisma, admin.user_id);
    sendCsv(res, 'users.csv', toCsv(USER_EXPORT_COLUMNS, result.rows), result);
  });
  router.get('/admin/export/workspaces', async (req, res) => {
    const admin = currentAdmin(req);
    const result = await exportWorkspaces(deps.prisma, admin.user_id);
    sendCsv(res, 'workspaces.csv', toCsv(WORKSPACE_EXPORT_COLUMNS, result.rows), result);
  });
  return router;
}
