import {
  introspectionSchema,
  okSchema,
  refreshRequestSchema,
  switchWorkspaceRequestSchema,
  tokenPairSchema,
  tokenRequestSchema,
} from '@sentinel/contracts';
import { AuthenticationError, currentService, currentUser, formBody, parseInput, respond } from '@sentinel/http';
import { Router, type RequestHandler } from 'express';
import {
  INVALID_REFRESH_TOKEN,
  introspect,
  issuePair,
  logout,
  revokeAnyToken,
  rotateRefreshToken,
  type TokenContext,
} from '../tokens';

/** RFC 7009 and 7662 clients send forms; Sentinel Auth clients send JSON. Both are read. */
const form = formBody({ limit: '16kb' });
/** RFC 7009: revocation answers 200 whatever it is sent, so an unreadable form is read as no body. */
const lenientForm: RequestHandler = (req, res, next) =>
  form(req, res, (err?: unknown) => {
    if (err !== undefined) req.body = undefined;
    next();
  });

/** The public and user token routes of docs/api.md. */
export function createTokenRouter(ctx: TokenContext): Router {
  const router = Router();

  router.post('/auth/refresh', async (req, res) => {
    const body = refreshRequestSchema.safeParse(req.body);
    if (!body.success) throw new AuthenticationError(INVALID_REFRESH_TOKEN);
    respond(res, tokenPairSchema, await rotateRefreshToken(ctx, body.data.refresh_token));
  });

  router.post('/auth/switch-workspace', async (req, res) => {
    const user = currentUser(req);
    const { workspace_id } = parseInput(switchWorkspaceRequestSchema, req.body, 'body');
    const pair = await issuePair(ctx, { userId: user.user_id, workspaceId: workspace_id, action: 'workspace_switched' });
    respond(res, tokenPairSchema, pair);
  });

  router.post('/auth/logout', async (req, res) => {
    const user = currentUser(req);
    await logout(ctx, { userId: user.user_id, jti: user.token_id, expiresAt: new Date(user.token_expires_at * 1000) });
    respond(res, okSchema, { ok: true });
  });

  router.post('/auth/revoke', lenientForm, async (req, res) => {
    const body = tokenRequestSchema.safeParse(req.body);
    if (body.success) await revokeAnyToken(ctx, body.data.token);
    res.status(200).json({});
  });

  router.post('/auth/introspect', form, async (req, res) => {
    currentService(req);
    const { token } = parseInput(tokenRequestSchema, req.body, 'body');
    respond(res, introspectionSchema, await introspect(ctx, token));
  });

  return router;
}
