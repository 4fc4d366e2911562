import { createSecretKey, type KeyObject } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { roleAtLeast, uuidSchema as uuid, workspaceRoleSchema } from '@sentinel/contracts';
import { z } from 'zod';
import { AuthenticationError, NotAllowedError } from './errors';

/**
 * The trust boundary between the gateway and the services. The gateway verifies the caller
 * (bearer JWT, service key, admin cookie) and forwards what it verified as a short-lived HS256
 * token signed with INTERNAL_SECRET in this header. Services accept nothing else as identity.
 */
export const INTERNAL_IDENTITY_HEADER = 'x-sentinel-identity';
const AUDIENCE = 'sentinel:internal';
const ISSUER = 'sentinel';

export type WorkspaceRole = z.infer<typeof workspaceRoleSchema>;

export const userIdentitySchema = z.object({
  user_id: uuid,
  email: z.string(),
  name: z.string(),
  workspace_id: uuid,
  workspace_slug: z.string(),
  workspace_role: workspaceRoleSchema,
  groups: z.array(uuid),
  token_id: z.string(),
  token_expires_at: z.number().int(),
});
export const serviceIdentitySchema = z.object({ app_id: uuid, service_name: z.string() });
export const adminIdentitySchema = z.object({
  user_id: uuid,
  email: z.string(),
  name: z.string(),
  token_id: z.string(),
  token_expires_at: z.number().int(),
});

/** The Sentinel processes; one of them may call another's internal routes for itself. */
export const callerSchema = z.enum(['gateway', 'auth-service', 'token-service', 'workspace-service', 'permission-service']);
export type Caller = z.infer<typeof callerSchema>;

/**
 * Who the gateway verified. No field at all means an anonymous caller of a public route;
 * `caller` marks a call from one of our own processes to another's internal routes.
 */
export const identitySchema = z.object({
  user: userIdentitySchema.optional(),
  service: serviceIdentitySchema.optional(),
  admin: adminIdentitySchema.optional(),
  caller: callerSchema.optional(),
});

export type UserIdentity = z.infer<typeof userIdentitySchema>;
export type ServiceIdentity = z.infer<typeof serviceIdentitySchema>;
export type AdminIdentity = z.infer<typeof adminIdentitySchema>;
export type Identity = z.infer<typeof identitySchema>;

const claimsSchema = z.object({ idn: identitySchema });

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point for req fields.
  namespace Express {
    interface Request {
      /** Set by requireInternalIdentity: the identity the gateway verified. */
      identity: Identity;
    }
  }
}

export interface MintOptions {
  /** Lifetime of the internal token (seconds); it only has to cross one hop. */
  ttlSeconds?: number;
}

/**
 * The secret as a KeyObject, made once per secret: handed a string, jsonwebtoken first tries to
 * parse it as an asymmetric key (and throws) on every call, which cost a third of a service's CPU.
 */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    if (secretKeys.size >= 16) secretKeys.clear(); // a process knows one or two secrets
    secretKeys.set(secret, key);
  }
  return key;
}

export function mintInternalToken(secret: string, identity: Identity, options: MintOptions = {}): string {
  return jwt.sign({ idn: identity }, secretKey(secret), {
    algorithm: 'HS256',
    audience: AUDIENCE,
    issuer: ISSUER,
    expiresIn: options.ttlSeconds ?? 30,
  });
}

/** The identity in a valid internal token, or undefined for anything else. */
export function verifyInternalToken(secret: string, token: string): Identity | undefined {
  try {
    const payload = jwt.verify(token, secretKey(secret), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
      clockTolerance: 5,
    });
    const parsed = claimsSchema.safeParse(payload);
    return parsed.success ? parsed.data.idn : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rejects (401) every request that does not carry a valid internal token from the gateway or
 * another service. Mount it after health and readiness, before every business route.
 */
export function requireInternalIdentity(secret: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers[INTERNAL_IDENTITY_HEADER];
    const identity = typeof header === 'string' ? verifyInternalToken(secret, header) : undefined;
    if (!identity) {
      next(new AuthenticationError('Missing or invalid internal identity'));
      return;
    }
    req.identity = identity;
    next();
  };
}

/** Headers for a call from one service to another, carrying the identity it acts for. */
export function internalHeaders(secret: string, identity: Identity): Record<string, string> {
  return { [INTERNAL_IDENTITY_HEADER]: mintInternalToken(secret, identity) };
}

export function currentUser(req: { identity: Identity }): UserIdentity {
  const user = req.identity.user;
  if (!user) throw new AuthenticationError('Missing Bearer token');
  return user;
}

export function currentService(req: { identity: Identity }): ServiceIdentity {
  const service = req.identity.service;
  if (!service) throw new AuthenticationError('Invalid or missing service API key');
  return service;
}

export function currentAdmin(req: { identity: Identity }): AdminIdentity {
  const { admin, user, service, caller } = req.identity;
  if (admin) return admin;
  // Someone the gateway verified as something else (a user of any role, a service key): 403, as the gateway answers.
  if (user || service || caller) throw new NotAllowedError('Not an admin');
  throw new AuthenticationError('Not authenticated');
}

/** Internal routes (`/internal/*`, never in the gateway's table) accept only our own processes. */
export function requireCaller(req: { identity: Identity }, ...allowed: Caller[]): Caller {
  const caller = req.identity.caller;
  if (!caller || (allowed.length > 0 && !allowed.includes(caller))) throw new NotAllowedError('Internal route');
  return caller;
}

export function hasRole(role: WorkspaceRole, minimum: WorkspaceRole): boolean {
  return roleAtLeast(role, minimum);
}

/** The current user, if their workspace role is at least `minimum`; else 403. */
export function requireRole(req: { identity: Identity }, minimum: WorkspaceRole): UserIdentity {
  const user = currentUser(req);
  if (!hasRole(user.workspace_role, minimum)) throw new NotAllowedError(`Requires role ${minimum} or higher`);
  return user;
}
