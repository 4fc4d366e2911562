// The server entry, `@sentinel/sdk`: token verification, Express middleware and the service clients.
export { SentinelError } from './errors';
export type { HttpOptions } from './http';
export { createTokenVerifier, MESSAGES } from './tokens';
export type { TokenVerifier, TokenVerifierOptions } from './tokens';
export { AuthenticatedUser } from './user';
export { requireRole, requireUser } from './express';
export type { Middleware, RequestLike, RequireUserOptions, ResponseLike } from './express';
export type { ServiceClientOptions } from './client';
export { PermissionClient } from './permissions';
export type { CheckInput, RegisterInput, ShareInput } from './permissions';
export { RoleClient } from './roles';
export type * from './types';
export { VERSION } from './version';
