import { recordActivity, type Database } from '@sentinel/db';
import { NotFoundError, type ServiceClient } from '@sentinel/http';
import type { ClientAppBody, CreateClientAppRequest, UpdateClientAppRequest } from '@sentinel/contracts';

interface ClientAppRow {
  id: string;
  name: string;
  redirectUris: string[];
  isActive: boolean;
  createdById: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toClientAppBody(row: ClientAppRow): ClientAppBody {
  return {
    id: row.id,
    name: row.name,
    redirect_uris: row.redirectUris,
    is_active: row.isActive,
    created_by: row.createdById,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/**
 * Client apps: the redirect-URI allowlist. A redirect URI is allowed when an active app lists
 * it exactly, as a string (no normalization: a trailing slash, case, a query all differ).
 */
export function createClientApps(prisma: Database, tokens: ServiceClient) {
  return {
    async findActiveByRedirectUri(uri: string): Promise<{ id: string } | undefined> {
      const app = await prisma.clientApp.findFirst({
        where: { isActive: true, redirectUris: { has: uri } },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
      });
      return app ?? undefined;
    },

    /** Still active and still listing this URI (an app may be changed while a login runs). */
    async isAllowed(id: string, uri: string): Promise<boolean> {
      const app = await prisma.clientApp.findFirst({ where: { id, isActive: true, redirectUris: { has: uri } }, select: { id: true } });
      return app !== null;
    },

    async list(): Promise<ClientAppBody[]> {
      return (await prisma.clientApp.findMany({ orderBy: { createdAt: 'asc' } })).map(toClientAppBody);
    },

    async get(id: string): Promise<ClientAppBody> {
      const row = await prisma.clientApp.findUnique({ where: { id } });
      if (!row) throw new NotFoundError('Client app not found');
      return toClientAppBody(row);
    },

    async create(input: CreateClientAppRequest, actorId: string | null): Promise<ClientAppBody> {
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.clientApp.create({
          data: { name: input.name, redirectUris: input.redirect_uris, createdById: actorId },
        });
        await recordActivity(tx, {
          action: 'client_app_created',
          actorId,
          targetType: 'client_app',
          targetId: created.id,
          detail: { name: created.name, redirect_uris: created.redirectUris },
        });
        return created;
      });
      return toClientAppBody(row);
    },

    async update(id: string, input: UpdateClientAppRequest, actorId: string | null): Promise<ClientAppBody> {
      const row = await prisma.$transaction(async (tx) => {
        const before = await tx.clientApp.findUnique({ where: { id } });
        if (!before) throw new NotFoundError('Client app not found');
        const updated = await tx.clientApp.update({
          where: { id },
          data: {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.redirect_uris !== undefined ? { redirectUris: input.redirect_uris } : {}),
            ...(input.is_active !== undefined ? { isActive: input.is_active } : {}),
          },
        });
        const deactivated = before.isActive && !updated.isActive;
        await recordActivity(tx, {
          action: 'client_app_updated',
          actorId,
          targetType: 'client_app',
          targetId: id,
          detail: {
            changes: Object.keys(input).filter((k) => k !== 'revoke_sessions' && input[k as keyof UpdateClientAppRequest] !== undefined),
            deactivated,
            revoke_sessions: deactivated && input.revoke_sessions,
          },
        });
        return updated;
      });
      // After the commit: token-service revokes every session issued through the app.
      if (!row.isActive && input.is_active === false && input.revoke_sessions) {
        await tokens.post(`/internal/client-apps/${id}/revoke-sessions`, { reason: 'client_app_deactivated', actor_id: actorId });
      }
      return toClientAppBody(row);
    },

    async remove(id: string, actorId: string | null): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const row = await tx.clientApp.findUnique({ where: { id }, select: { name: true } });
        if (!row) throw new NotFoundError('Client app not found');
        await tx.clientApp.delete({ where: { id } });
        await recordActivity(tx, {
          action: 'client_app_deleted',
          actorId,
          targetType: 'client_app',
          targetId: id,
          detail: { name: row.name },
        });
      });
    },
  };
}
export type ClientApps = ReturnType<typeof createClientApps>;
