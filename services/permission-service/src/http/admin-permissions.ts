import {
  adminPermissionPageSchema,
  adminPermissionsQuerySchema,
  adminUnshareQuerySchema,
  enrichedResourcePermissionSchema,
  resourcePermissionSchema,
  shareRequestSchema,
  shareStatusSchema,
  uuidSchema,
  visibilityRequestSchema,
  type AdminPermissionItem,
} from '@sentinel/contracts';
import { currentAdmin, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { AdminPermissionRow } from '../data/admin-permissions';
import type { Resources } from '../domain/resources';
import { toEnrichedBody, toResourceBody } from './permissions';

const idParams = z.object({ id: uuidSchema });

function toItemBody(row: AdminPermissionRow): AdminPermissionItem {
  return {
    id: row.id,
    service_name: row.serviceName,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    workspace_id: row.workspaceId,
    owner_id: row.ownerId,
    visibility: row.visibility,
    created_at: row.createdAt.toISOString(),
    owner_email: row.ownerEmail,
    share_count: row.shareCount,
  };
}

/** /admin/permissions (admin tier, 0.7 §2.7): the browser, the detail, visibility, share and unshare. */
export function createAdminPermissionsRouter(resources: Resources): Router {
  const router = Router();

  router.get('/admin/permissions', async (req, res) => {
    currentAdmin(req);
    const query = parseInput(adminPermissionsQuerySchema, req.query, 'query');
    const page = await resources.admin.list(query);
    respond(res, adminPermissionPageSchema, { ...page, items: page.items.map(toItemBody) });
  });

  router.get('/admin/permissions/:id', async (req, res) => {
    currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    respond(res, enrichedResourcePermissionSchema, toEnrichedBody(await resources.admin.get(id)));
  });

  router.patch('/admin/permissions/:id/visibility', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const { visibility } = parseInput(visibilityRequestSchema, req.body, 'body');
    respond(res, resourcePermissionSchema, toResourceBody(await resources.admin.setVisibility(admin, id, visibility)));
  });

  router.post('/admin/permissions/:id/share', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(shareRequestSchema, req.body, 'body');
    await resources.admin.share(admin, id, body);
    respond(res, shareStatusSchema, { status: 'ok' }, 201);
  });

  router.delete('/admin/permissions/:id/share', async (req, res) => {
    const admin = currentAdmin(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const grantee = parseInput(adminUnshareQuerySchema, req.query, 'query');
    await resources.admin.unshare(admin, id, grantee);
    respond(res, shareStatusSchema, { status: 'ok' });
  });

  return router;
}
