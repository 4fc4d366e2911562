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

/** What PermissionClient and RoleClient share: the service key on every call, a user's token when given. */
export abstract class ServiceClient {
  protected readonly send: Send;
  readonly serviceName: string;
  readonly #serviceKey: string;

  constructor(options: ServiceClientOptions) {
    if (!options.serviceKey) {
      throw new Error('A service key is required: create one with `pnpm sentinel service-apps create` (or the admin API /admin/service-apps)');
    }
    this.send = createSend(options.baseUrl, options);
    this.serviceName = options.serviceName;
    this.#serviceKey = options.serviceKey;
  }

  protected headers(token?: string): Record<string, string> {
    return { 'x-service-key': this.#serviceKey, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) };
  }
}
