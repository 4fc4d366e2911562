import { currentAdmin, NotAllowedError, type AdminIdentity } from '@sentinel/http';
import type { Request } from 'express';
import type { AuthContext } from '../context';

/**
 * The admin the gateway verified, if they are still an active admin now (a demotion or a
 * deactivation takes effect at the next request). Mutations also need X-Requested-With (CSRF).
 */
export async function requireActiveAdmin(ctx: AuthContext, req: Request): Promise<AdminIdentity> {
  const admin = currentAdmin(req);
  if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.headers['x-requested-with'] === undefined) {
    throw new NotAllowedError('Missing X-Requested-With header');
  }
  const user = await ctx.prisma.user.findUnique({ where: { id: admin.user_id }, select: { isActive: true, isAdmin: true } });
  if (!user?.isActive || !user.isAdmin) throw new NotAllowedError('Not an admin');
  return admin;
}
