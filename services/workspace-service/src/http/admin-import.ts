import { importPreviewSchema, importResultSchema } from '@sentinel/contracts';
import type { Database } from '@sentinel/db';
import { currentAdmin, respond } from '@sentinel/http';
import express, { Router, type Request } from 'express';
import { executeImport, previewImport } from '../domain/csv-import';
import { multipartFile } from '../multipart';

/** The gateway's CSV import limit (docs/api.md: 5 MiB), enforced here too: body-parser answers 413 above it. */
export const CSV_IMPORT_LIMIT_BYTES = 5 * 1024 * 1024;

const fileOf = (req: Request) => multipartFile(req.body, req.headers['content-type'], 'file');

/** POST /admin/import/csv/preview and /execute: a multipart `file` with email,name,workspace_slug,role. */
export function createAdminImportRouter(deps: { prisma: Database }): Router {
  const router = Router();
  router.use('/admin/import/csv', express.raw({ type: 'multipart/form-data', limit: CSV_IMPORT_LIMIT_BYTES }));
  router.post('/admin/import/csv/preview', async (req, res) => {
    currentAdmin(req);
    respond(res, importPreviewSchema, await previewImport(deps.prisma, fileOf(req)));
  });
  router.post('/admin/import/csv/execute', async (req, res) => {
    const admin = currentAdmin(req);
    respond(res, importResultSchema, await executeImport(deps.prisma, admin.user_id, fileOf(req)));
  });
  return router;
}
