import { purgeServiceResponseSchema, type PurgeServiceResponse } from '@sentinel/contracts';
import { createServiceClient, HttpError } from '@sentinel/http';
import type { Actor } from './repository';

/** The resources a service registered in permission-service, which owns them. */
export interface ServiceResources {
  /** Deletes every resource of the service and its shares; idempotent. 503 when unreachable. */
  purge(app: { id: string; serviceName: string }, actor: Actor): Promise<PurgeServiceResponse>;
}

/** permission-service's POST /internal/services/{service_name}/purge. */
export function createServiceResources(config: { PERMISSION_SERVICE_URL: string; INTERNAL_SECRET: string }): ServiceResources {
  const client = createServiceClient({
    baseUrl: config.PERMISSION_SERVICE_URL,
    secret: config.INTERNAL_SECRET,
    caller: 'token-service',
    // A service with many resources takes a while; an admin is waiting, and a retry is safe.
    timeoutMs: 60_000,
  });
  return {
    async purge(app, actor) {
      let body: unknown;
      try {
        body = await client.post<unknown>(`/internal/services/${encodeURIComponent(app.serviceName)}/purge`, {
          app_id: app.id,
          actor_id: actor,
        });
      } catch (err) {
        // A 4xx from permission-service is our misconfiguration (say, another INTERNAL_SECRET), not
        // the admin's: passed on as a 401 it would end the admin's session in the panel.
        if (err instanceof HttpError && err.status < 500) throw new HttpError('bad_gateway', 'Could not purge the service\'s resources');
        throw err;
      }
      return purgeServiceResponseSchema.parse(body);
    },
  };
}
