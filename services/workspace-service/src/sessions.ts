import { revokeSessionsResponseSchema } from '@sentinel/contracts';
import { createServiceClient } from '@sentinel/http';
import type { SessionRevoker } from './domain/context';

/** token-service's POST /internal/users/{id}/revoke-sessions: every session of the user, in every workspace. */
export function createSessionRevoker(config: { TOKEN_SERVICE_URL: string; INTERNAL_SECRET: string }): SessionRevoker {
  const client = createServiceClient({
    baseUrl: config.TOKEN_SERVICE_URL,
    secret: config.INTERNAL_SECRET,
    caller: 'workspace-service',
    // Called while the change's transaction (and its row locks) is open: do not wait long.
    timeoutMs: 5_000,
  });
  return {
    async revoke(userId, reason, actorId) {
      const body = await client.post<unknown>(`/internal/users/${encodeURIComponent(userId)}/revoke-sessions`, {
        reason,
        actor_id: actorId,
      });
      revokeSessionsResponseSchema.parse(body);
    },
  };
}
