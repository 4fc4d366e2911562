import { userProfileSchema } from '@sentinel/contracts';
import { currentUser, NotFoundError, respond } from '@sentinel/http';
import { Router } from 'express';
import type { AppDeps } from '../app';

/** GET /users/me: the caller's profile. */
export function createUsersRouter(deps: Pick<AppDeps, 'prisma'>): Router {
  const router = Router();
  router.get('/users/me', async (req, res) => {
    const { user_id } = currentUser(req);
    const user = await deps.prisma.user.findUnique({ where: { id: user_id } });
    if (!user) throw new NotFoundError('User not found');
    respond(res, userProfileSchema, {
      id: user.id,
      email: user.email,
      name: user.name,
      avatar_url: user.avatarUrl,
      is_active: user.isActive,
      created_at: user.createdAt.toISOString(),
    });
  });
  return router;
}
