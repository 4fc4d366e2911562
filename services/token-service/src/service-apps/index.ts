export { createServiceApps } from './service';
export { createServiceResources } from './resources';
export type { ServiceResources } from './resources';
export type { ServiceApps, ServiceAppsDeps, ServiceAppWithKey } from './service';
export type { Actor, ServiceApp } from './repository';
export type { ServiceKeyVerifier, VerifiedServiceKey } from './verify';
