import { meResponseSchema } from '@sentinel/contracts';
import { currentUser, respond } from '@sentinel/http';
import { Router } from 'express';

/** GET /auth/me: the verified identity exactly as the gateway forwarded it; no database read. */
export function createMeRouter(): Router {
  const router = Router();
  router.get('/auth/me', (req, res) => {
    // The identity also carries the token's id and expiry; the schema keeps only the contract's fields.
    respond(res, meResponseSchema, currentUser(req));
  });
  return router;
}
