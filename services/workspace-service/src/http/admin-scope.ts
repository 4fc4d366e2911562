import { currentAdmin, NotAllowedError, type AdminIdentity } from '@sentinel/http';
import type { Request } from 'express';
import type { Actor } from '../domain/context';

/**
 * The caller of an /admin route. A caller the gateway verified as someone else (a user token of
 * any role, a service key) is refused with 403 "Not an admin", as the gateway itself answers;
 * a request with no identity at all is 401.
 */
export function adminCaller(req: Request): AdminIdentity {
  const { identity } = req;
  if (!identity.admin && (identity.user || identity.service || identity.caller)) throw new NotAllowedError('Not an admin');
  return currentAdmin(req);
}

/** The admin acting as an owner of `workspaceId` (the /admin routes are another door to the same rules). */
export const adminActor = (admin: AdminIdentity, workspaceId: string): Actor => ({
  userId: admin.user_id,
  workspaceId,
  role: 'owner',
  admin: true,
});
