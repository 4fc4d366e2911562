import {
  codeExchangeRequestSchema,
  loginWorkspacesResponseSchema,
  tokenPairSchema,
  workspacesQuerySchema,
  type TokenPairResponse,
} from '@sentinel/contracts';
import { InputError, NotFoundError, parseInput, requestIdOf, respond } from '@sentinel/http';
import { Router } from 'express';
import type { AuthContext } from '../context';
import { verifyPkce } from '../login/codes';

const INVALID_CODE = 'Invalid or expired authorization code';

/** `/auth/workspaces` (peeks at the code) and `/auth/token` (spends it, then checks PKCE). */
export function createCodeExchangeRouter(ctx: AuthContext): Router {
  const router = Router();

  const activeUser = async (userId: string) => {
    const user = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { isActive: true } });
    if (!user?.isActive) throw new NotFoundError('User not found');
  };

  router.get('/auth/workspaces', async (req, res) => {
    const { code } = parseInput(workspacesQuerySchema, req.query, 'query');
    const grant = await ctx.codes.peek(code);
    if (!grant) throw new InputError(INVALID_CODE);
    await activeUser(grant.user_id);
    const memberships = await ctx.prisma.workspaceMembership.findMany({
      where: { userId: grant.user_id },
      select: { role: true, workspace: { select: { id: true, name: true, slug: true } } },
      orderBy: { joinedAt: 'asc' },
    });
    respond(
      res,
      loginWorkspacesResponseSchema,
      memberships.map((m) => ({ ...m.workspace, role: m.role as 'viewer' | 'editor' | 'admin' | 'owner' })),
    );
  });

  router.post('/auth/token', async (req, res) => {
    const body = parseInput(codeExchangeRequestSchema, req.body, 'body');
    // Spent before the verifier is checked: a wrong verifier burns the code.
    const grant = await ctx.codes.consume(body.code);
    if (!grant) throw new InputError(INVALID_CODE);
    if (!verifyPkce(body.code_verifier, grant.code_challenge)) throw new InputError('PKCE verification failed');
    await activeUser(grant.user_id);
    const workspace = await ctx.prisma.workspace.findUnique({ where: { id: body.workspace_id }, select: { id: true } });
    if (!workspace) throw new NotFoundError('Workspace not found');
    const pair = await ctx.tokens.post<TokenPairResponse>(
      '/internal/tokens/issue',
      { user_id: grant.user_id, workspace_id: body.workspace_id, client_app_id: grant.client_app_id },
      { requestId: requestIdOf(req) },
    );
    respond(res, tokenPairSchema, pair);
  });

  return router;
}
