import { adminMeResponseSchema, adminTokenSchema, okSchema } from '@sentinel/contracts';
import { recordActivity } from '@sentinel/db';
import { NotFoundError, requestIdOf, respond } from '@sentinel/http';
import { Router, type CookieOptions, type Request, type Response } from 'express';
import { AccountConflict } from '../accounts/linking';
import { recordLoginFailure, signIn } from '../accounts/sign-in';
import type { AuthContext } from '../context';
import { LoginError } from '../login/errors';
import { refuseLink } from './account-conflict';
import { devForm, finishLogin, providerOf } from './login';
import { requireActiveAdmin } from './admin-guard';

export const ADMIN_COOKIE = 'admin_token';

/** Reasons the admin panel shows on its login page instead of an error page (as 0.7). */
const PANEL_ERRORS: Record<string, string> = {
  email_not_verified: 'email_not_verified',
  not_admin: 'not_admin',
  account_conflict: 'account_conflict',
};

/** `/auth/admin/login|callback/{provider}`, `/auth/admin/me`, `/auth/admin/logout`. */
export function createAdminLoginRouter(ctx: AuthContext): Router {
  const router = Router();
  const accounts = { prisma: ctx.prisma, keys: ctx.keys, adminEmails: ctx.config.ADMIN_EMAILS };
  const adminUrl = ctx.config.ADMIN_URL.replace(/\/+$/, '');
  const cookieOptions: CookieOptions = { httpOnly: true, sameSite: 'strict', secure: ctx.config.COOKIE_SECURE, path: '/' };

  router.get('/auth/admin/login/:provider', async (req, res) => {
    await providerOf(ctx, req).start(req, res, { purpose: 'admin' });
  });

  const callback = async (req: Request, res: Response) => {
    const { login, profile, linking, pendingLink } = await finishLogin(ctx, req, res, 'admin');
    let user;
    try {
      user = await signIn(accounts, profile, { purpose: 'admin', linking, pendingLink });
    } catch (err) {
      if (!(err instanceof LoginError)) throw err;
      // A refused link keeps its pending link (reauthenticate) and is logged there.
      if (err instanceof AccountConflict) await refuseLink(ctx, res, err, login, profile);
      else await recordLoginFailure(ctx.prisma, { provider: profile.provider, purpose: 'admin', reason: err.reason, email: profile.email });
      const panelError = PANEL_ERRORS[err.reason];
      if (!panelError) throw err;
      res.redirect(302, `${adminUrl}/login?error=${panelError}`);
      return;
    }
    const admin = adminTokenSchema.parse(
      await ctx.tokens.post('/internal/tokens/admin', { user_id: user.id }, { requestId: requestIdOf(req) }),
    );
    res.cookie(ADMIN_COOKIE, admin.token, { ...cookieOptions, maxAge: admin.expires_in * 1000 });
    res.redirect(302, `${adminUrl}/`);
  };

  router.get('/auth/admin/callback/:provider', async (req, res) => {
    if (req.params.provider === 'dev' && ctx.providers.get('dev') && req.query.code === undefined) {
      const state = typeof req.query.state === 'string' ? req.query.state : '';
      res.type('html').send(devForm(req.originalUrl.split('?')[0] ?? '', state));
      return;
    }
    await callback(req, res);
  });
  router.post('/auth/admin/callback/:provider', async (req, res) => {
    if (req.params.provider !== 'dev') throw new NotFoundError();
    await callback(req, res);
  });

  router.get('/auth/admin/me', async (req, res) => {
    const admin = await requireActiveAdmin(ctx, req);
    const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: admin.user_id }, select: { id: true, email: true, name: true } });
    respond(res, adminMeResponseSchema, user);
  });

  router.post('/auth/admin/logout', async (req, res) => {
    const admin = await requireActiveAdmin(ctx, req);
    await ctx.tokens.post(
      '/internal/denylist',
      { jti: admin.token_id, expires_at: admin.token_expires_at, user_id: admin.user_id, reason: 'admin_logout' },
      { requestId: requestIdOf(req) },
    );
    await recordActivity(ctx.prisma, { action: 'admin_logout', actorId: admin.user_id, targetType: 'user', targetId: admin.user_id });
    res.clearCookie(ADMIN_COOKIE, cookieOptions);
    respond(res, okSchema, { ok: true });
  });

  return router;
}
