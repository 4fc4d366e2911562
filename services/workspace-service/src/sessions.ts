import { revokeSessionsResponseSchema } from '@sentinel/contracts';
import { createServiceClient } from '@sentinel/http';
import type { SessionRevoker } from './domain/context';

/** token-service's limit per call (revokeUserSessionsRequestSchema). */
const MAX_USERS_PER_CALL = 1000;

/** token-service's POST /internal/users/revoke-sessions: every session of these users, in every workspace. */
export function createSessionRevoker(config: { TOKEN_SERVICE_URL: string; INTERNAL_SECRET: string }): SessionRevoker {
  const client = createServiceClient({
    baseUrl: config.TOKEN_SERVICE_URL,
    secret: config.INTERNAL_SECRET,
    caller: 'workspace-service',
    // Called while the change's transaction (and its row locks) is open: do not wait long.
    timeoutMs: 5_000,
  });
  return {
    async revoke(userIds, reason, actorId) {
      let families = 0;
      for (let i = 0; i < userIds.length; i += MAX_USERS_PER_CALL) {
        const user_ids = userIds.slice(i, i + MAX_USERS_PER_CALL);
        const body = await client.post<unknown>('/internal/users/revoke-sessions', { user_ids, reason, actor_id: actorId });
        families += revokeSessionsResponseSchema.parse(body).families;
      }
      return families;
    },
  };
}
