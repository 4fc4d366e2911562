import {
  enrichedResourcePermissionSchema,
  registerResourceRequestSchema,
  resourcePermissionSchema,
  resourceTypeSchema,
  serviceNameSchema,
  shareRequestSchema,
  shareStatusSchema,
  unshareRequestSchema,
  uuidSchema,
  visibilityRequestSchema,
  type EnrichedResourcePermissionBody,
  type ResourcePermissionBody,
} from '@sentinel/contracts';
import { currentService, currentUser, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { Resource } from '../data/resources';
import type { EnrichedResource, Resources } from '../domain/resources';

const idParams = z.object({ id: uuidSchema });
const keyParams = z.object({ svc: serviceNameSchema, type: resourceTypeSchema, rid: uuidSchema });

export function toResourceBody(resource: Resource): ResourcePermissionBody {
  return {
    id: resource.id,
    service_name: resource.serviceName,
    resource_type: resource.resourceType,
    resource_id: resource.resourceId,
    workspace_id: resource.workspaceId,
    owner_id: resource.ownerId,
    visibility: resource.visibility,
    created_at: resource.createdAt.toISOString(),
    shares: resource.shares.map((s) => ({
      id: s.id,
      grantee_type: s.granteeType,
      grantee_id: s.granteeId,
      permission: s.permission,
      granted_by: s.grantedBy,
      granted_at: s.grantedAt.toISOString(),
    })),
  };
}

export function toEnrichedBody(resource: EnrichedResource): EnrichedResourcePermissionBody {
  const base = toResourceBody(resource);
  return {
    ...base,
    owner_name: resource.ownerName,
    owner_email: resource.ownerEmail,
    shares: base.shares.map((share, i) => ({
      ...share,
      grantee_name: resource.shares[i]?.granteeName ?? null,
      grantee_email: resource.shares[i]?.granteeEmail ?? null,
    })),
  };
}

const keyOf = (params: unknown) => {
  const { svc, type, rid } = parseInput(keyParams, params, 'path');
  return { serviceName: svc, resourceType: type, resourceId: rid };
};

/** Registration, sharing, visibility, the ACL and deregistration (service and dual tiers). */
export function createPermissionsRouter(resources: Resources): Router {
  const router = Router();

  router.post('/permissions/register', async (req, res) => {
    const service = currentService(req);
    const body = parseInput(registerResourceRequestSchema, req.body, 'body');
    const { resource, created } = await resources.register(service, body);
    respond(res, resourcePermissionSchema, toResourceBody(resource), created ? 201 : 200);
  });

  router.post('/permissions/:id/share', async (req, res) => {
    const service = currentService(req);
    const user = currentUser(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(shareRequestSchema, req.body, 'body');
    await resources.share(service, user, id, body);
    respond(res, shareStatusSchema, { status: 'ok' }, 201);
  });

  router.delete('/permissions/:id/share', async (req, res) => {
    const service = currentService(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(unshareRequestSchema, req.body, 'body');
    await resources.unshare(service, id, body);
    respond(res, shareStatusSchema, { status: 'ok' });
  });

  router.patch('/permissions/:id/visibility', async (req, res) => {
    const service = currentService(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const { visibility } = parseInput(visibilityRequestSchema, req.body, 'body');
    respond(res, resourcePermissionSchema, toResourceBody(await resources.setVisibility(service, id, visibility)));
  });

  router.get('/permissions/resource/:svc/:type/:rid', async (req, res) => {
    const service = currentService(req);
    respond(res, resourcePermissionSchema, toResourceBody(await resources.get(service, keyOf(req.params))));
  });

  router.get('/permissions/resource/:svc/:type/:rid/enriched', async (req, res) => {
    const service = currentService(req);
    respond(res, enrichedResourcePermissionSchema, toEnrichedBody(await resources.getEnriched(service, keyOf(req.params))));
  });

  router.delete('/permissions/resource/:svc/:type/:rid', async (req, res) => {
    const service = currentService(req);
    await resources.deregister(service, keyOf(req.params));
    res.status(204).end();
  });

  return router;
}
