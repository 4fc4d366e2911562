import { createSend, type HttpOptions, type Send } from './http';

/** What a backend service needs to call Sentinel on its own behalf (0.7's PermissionClient/RoleClient). */
export interface ServiceClientOptions extends HttpOptions {
  /** The gateway's URL, e.g. http://localhost:9003. */
  baseUrl: string;
  /** The `service_name` the service key was created for; every call is scoped to it. */
  serviceName: string;
  /** The `sk_…` key from `pnpm sentinel service-apps create` (or /admin/service-apps). */
  serviceKey: string;
}

/** The transport of PermissionClient and RoleClient: the service key on every call, a user's token when given. */
export function serviceTransport(options: ServiceClientOptions): { send: Send; headers: (token?: string) => Record<string, string> } {
  if (!options.serviceKey) {
    throw new Error('A service key is required: create one with `pnpm sentinel service-apps create` (or the admin API /admin/service-apps)');
  }
  return {
    send: createSend(options.baseUrl, options),
    headers: (token) => ({ 'x-service-key': options.serviceKey, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }),
  };
}
