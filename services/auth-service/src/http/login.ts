import { loginQuerySchema, providersResponseSchema } from '@sentinel/contracts';
import { NotFoundError, parseInput, respond } from '@sentinel/http';
import { Router, type Request, type Response } from 'express';
import { AccountConflict } from '../accounts/linking';
import { recordLoginFailure, signIn } from '../accounts/sign-in';
import { accountLinkingOf } from '../config';
import type { AuthContext } from '../context';
import { escapeHtml, LoginError } from '../login/errors';
import { continuesLogin } from '../login/pending-links';
import type { LoginPurpose } from '../login/state';
import type { LoginProvider } from '../providers';
import { refuseLink } from './account-conflict';

/** `redirect_uri?code=…` (`&` when the URI already has a query), the URI itself untouched. */
export function withCode(redirectUri: string, code: string): string {
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}code=${encodeURIComponent(code)}`;
}

export function providerOf(ctx: AuthContext, req: Request): LoginProvider {
  const name = String(req.params.provider ?? '');
  const provider = ctx.providers.get(name);
  if (!provider) throw LoginError.providerUnavailable(name.slice(0, 50));
  return provider;
}

/** The form of the `dev` provider (its "provider page"); the state goes back with the POST. */
export function devForm(action: string, state: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Development sign-in</title></head><body>
<h1>Development sign-in</h1><p>For local development only: whoever you name here is signed in.</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="state" value="${escapeHtml(state)}">
<label>Email <input type="email" name="email" required></label>
<label>Name <input type="text" name="name" required></label>
<button type="submit">Sign in</button>
</form></body></html>`;
}

/**
 * The callback's common part: the provider's error or a missing state/code are refused before
 * any provider call; then the provider finishes the login (state checked and spent). The
 * browser's pending account link, if any, is spent here too, and kept only for this login flow.
 */
export async function finishLogin(ctx: AuthContext, req: Request, res: Response, purpose: LoginPurpose) {
  const provider = providerOf(ctx, req);
  let completed;
  try {
    if (provider.name !== 'dev') {
      if (req.query.error !== undefined) throw LoginError.providerFailed();
      if (typeof req.query.state !== 'string' || req.query.state === '') throw LoginError.invalidState();
      if (typeof req.query.code !== 'string' || req.query.code === '') throw LoginError.providerFailed();
    }
    completed = await provider.finish(req, res, purpose);
  } catch (err) {
    if (err instanceof LoginError) await recordLoginFailure(ctx.prisma, { provider: provider.name, purpose, reason: err.reason });
    throw err;
  }
  const pending = await ctx.pendingLinks.take(req, res);
  const pendingLink = pending && continuesLogin(pending, completed.login) ? pending : undefined;
  return { ...completed, linking: accountLinkingOf(ctx.config, completed.profile.provider), pendingLink };
}

/** `/auth/providers`, `/auth/login/{provider}`, `/auth/callback/{provider}`. */
export function createLoginRouter(ctx: AuthContext): Router {
  const router = Router();
  const accounts = { prisma: ctx.prisma, keys: ctx.keys, adminEmails: ctx.config.ADMIN_EMAILS };

  router.get('/auth/providers', (_req, res) => {
    respond(res, providersResponseSchema, { providers: ctx.providers.names() });
  });

  router.get('/auth/login/:provider', async (req, res) => {
    const provider = providerOf(ctx, req);
    const query = parseInput(loginQuerySchema, req.query, 'query');
    if (query.code_challenge_method !== 'S256') {
      throw new LoginError('input', 'Unsupported Challenge Method', 'Only code_challenge_method=S256 is supported', 'unsupported_challenge_method');
    }
    const app = await ctx.clientApps.findActiveByRedirectUri(query.redirect_uri);
    if (!app) throw LoginError.appNotAllowed();
    await provider.start(req, res, {
      purpose: 'user',
      redirect_uri: query.redirect_uri,
      client_app_id: app.id,
      code_challenge: query.code_challenge,
    });
  });

  const callback = async (req: Request, res: Response) => {
    const { login, profile, linking, pendingLink } = await finishLogin(ctx, req, res, 'user');
    const fail = (err: LoginError) =>
      recordLoginFailure(ctx.prisma, { provider: profile.provider, purpose: 'user', reason: err.reason, email: profile.email }).then(() => {
        throw err;
      });
    if (!login.redirect_uri || !login.client_app_id || !login.code_challenge) throw LoginError.invalidState();
    if (!(await ctx.clientApps.isAllowed(login.client_app_id, login.redirect_uri))) return fail(LoginError.appNotAllowed());
    let user;
    try {
      user = await signIn(accounts, profile, { purpose: 'user', clientAppId: login.client_app_id, linking, pendingLink });
    } catch (err) {
      if (err instanceof AccountConflict) throw await refuseLink(ctx, res, err, login, profile);
      if (err instanceof LoginError) return fail(err);
      throw err;
    }
    const code = await ctx.codes.issue({
      user_id: user.id,
      provider: profile.provider,
      client_app_id: login.client_app_id,
      code_challenge: login.code_challenge,
      code_challenge_method: 'S256',
    });
    res.redirect(302, withCode(login.redirect_uri, code));
  };

  router.get('/auth/callback/:provider', async (req, res) => {
    // The dev provider's "provider page": its form, reached with only the state.
    if (req.params.provider === 'dev' && ctx.providers.get('dev') && req.query.code === undefined) {
      const state = typeof req.query.state === 'string' ? req.query.state : '';
      res.type('html').send(devForm(req.originalUrl.split('?')[0] ?? '', state));
      return;
    }
    await callback(req, res);
  });
  // Only the dev form posts to a callback.
  router.post('/auth/callback/:provider', async (req, res) => {
    if (req.params.provider !== 'dev') throw new NotFoundError();
    await callback(req, res);
  });

  return router;
}
