import { NotAllowedError, type ServiceIdentity } from '@sentinel/http';

/** A service key may only touch its own `service_name` (docs/architecture.md: enforced here, per item). */
export function assertServiceScope(service: ServiceIdentity, serviceName: string): void {
  if (service.service_name !== serviceName) {
    throw new NotAllowedError(`Service key is not authorized for service '${serviceName}'`);
  }
}
