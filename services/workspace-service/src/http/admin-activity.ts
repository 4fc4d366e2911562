import { activityExportQuerySchema, activityExportSchema, activityPageSchema, activityQuerySchema } from '@sentinel/contracts';
import type { Database } from '@sentinel/db';
import { currentAdmin, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import { toCsv } from '../csv';
import { exportActivity, listActivity } from '../domain/activity-log';
import { sendCsv } from './csv-response';

const CSV_COLUMNS = [
  'id',
  'created_at',
  'action',
  'actor_id',
  'actor_name',
  'actor_email',
  'target_type',
  'target_id',
  'workspace_id',
  'detail',
] as const;

/** GET /admin/activity (paginated, filtered) and GET /admin/activity/export?format=csv|json (+). */
export function createAdminActivityRouter(deps: { prisma: Database }): Router {
  const router = Router();
  router.get('/admin/activity', async (req, res) => {
    currentAdmin(req);
    const { page, page_size, ...filter } = parseInput(activityQuerySchema, req.query, 'query');
    respond(res, activityPageSchema, await listActivity(deps.prisma, filter, { page, page_size }));
  });
  router.get('/admin/activity/export', async (req, res) => {
    const admin = currentAdmin(req);
    const { format, ...filter } = parseInput(activityExportQuerySchema, req.query, 'query');
    const result = await exportActivity(deps.prisma, admin.user_id, filter, format);
    if (format === 'json') {
      respond(res, activityExportSchema, result);
      return;
    }
    const rows = result.items.map((item) => ({ ...item, detail: item.detail === null ? null : JSON.stringify(item.detail) }));
    sendCsv(res, 'activity.csv', toCsv(CSV_COLUMNS, rows), result);
  });
  return router;
}
