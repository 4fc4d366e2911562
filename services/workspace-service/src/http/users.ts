import { updateMeRequestSchema, userProfileSchema } from '@sentinel/contracts';
import { currentUser, parseInput, respond } from '@sentinel/http';
import { Router } from 'express';
import type { WorkspaceContext } from '../domain/context';
import { getProfile, updateProfile } from '../domain/users';

/** GET and PATCH /users/me: the caller's profile. */
export function createUsersRouter(ctx: WorkspaceContext): Router {
  const router = Router();
  router.get('/users/me', async (req, res) => {
    const { user_id } = currentUser(req);
    respond(res, userProfileSchema, await getProfile(ctx, user_id));
  });
  router.patch('/users/me', async (req, res) => {
    const { user_id } = currentUser(req);
    const input = parseInput(updateMeRequestSchema, req.body ?? {}, 'body');
    respond(res, userProfileSchema, await updateProfile(ctx, user_id, input));
  });
  return router;
}
