import {
  adminTokenRequestSchema,
  adminTokenSchema,
  denyTokenRequestSchema,
  issueTokensRequestSchema,
  revokeSessionsRequestSchema,
  revokeUserSessionsRequestSchema,
  revokeSessionsResponseSchema,
  tokenLifetimesSchema,
  tokenPairSchema,
  uuidSchema,
} from '@sentinel/contracts';
import { parseInput, requireCaller, respond } from '@sentinel/http';
import { Router } from 'express';
import { z } from 'zod';
import {
  denyToken,
  issueAdminToken,
  issuePair,
  revokeClientAppSessions,
  revokeUserSessions,
  tokenLifetimes,
  type TokenContext,
} from '../tokens';

const idParams = z.object({ id: uuidSchema });

/**
 * token-service's internal API: only our own processes (a `caller` identity) reach it, and the
 * gateway's table never routes /internal/*.
 */
export function createInternalTokenRouter(ctx: TokenContext): Router {
  const router = Router();

  router.post('/internal/tokens/issue', async (req, res) => {
    requireCaller(req, 'auth-service');
    const body = parseInput(issueTokensRequestSchema, req.body, 'body');
    const pair = await issuePair(ctx, {
      userId: body.user_id,
      workspaceId: body.workspace_id,
      clientAppId: body.client_app_id ?? null,
      action: 'session_started',
    });
    respond(res, tokenPairSchema, pair);
  });

  // The gateway reads these with the JWKS: a token living longer than we issue is refused even
  // when its signature is good (a leaked key cannot mint long-lived tokens).
  router.get('/internal/tokens/lifetimes', (req, res) => {
    requireCaller(req, 'gateway');
    respond(res, tokenLifetimesSchema, { max_lifetime_seconds: tokenLifetimes(ctx.config) });
  });

  router.post('/internal/tokens/admin', async (req, res) => {
    requireCaller(req, 'auth-service');
    const { user_id } = parseInput(adminTokenRequestSchema, req.body, 'body');
    const { token, expires_in } = await issueAdminToken(ctx, user_id);
    respond(res, adminTokenSchema, { token, expires_in });
  });

  // One call for many users (a bulk deactivation, a workspace deletion): one transaction, not one per user.
  router.post('/internal/users/revoke-sessions', async (req, res) => {
    requireCaller(req, 'auth-service', 'workspace-service', 'permission-service');
    const body = parseInput(revokeUserSessionsRequestSchema, req.body, 'body');
    const result = await revokeUserSessions(ctx, [...new Set(body.user_ids)], body.reason, body.actor_id ?? null);
    respond(res, revokeSessionsResponseSchema, { families: result.families, access_tokens: result.accessTokens });
  });

  router.post('/internal/client-apps/:id/revoke-sessions', async (req, res) => {
    requireCaller(req, 'auth-service');
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(revokeSessionsRequestSchema, req.body, 'body');
    const result = await revokeClientAppSessions(ctx, id, body.reason, body.actor_id ?? null);
    respond(res, revokeSessionsResponseSchema, { families: result.families, access_tokens: result.accessTokens });
  });

  router.post('/internal/denylist', async (req, res) => {
    requireCaller(req, 'auth-service', 'gateway');
    const body = parseInput(denyTokenRequestSchema, req.body, 'body');
    await denyToken(ctx, {
      jti: body.jti,
      userId: body.user_id ?? null,
      expiresAt: new Date(body.expires_at * 1000),
      reason: body.reason,
    });
    res.status(204).end();
  });

  return router;
}
