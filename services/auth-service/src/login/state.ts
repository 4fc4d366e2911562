import { randomToken, safeEqual, sha256Hex } from '@sentinel/crypto';
import type { Redis } from '@sentinel/redis';
import type { CookieOptions, Request, Response } from 'express';
import { z } from 'zod';
import { LoginError } from './errors';

export const LOGIN_COOKIE = 'sentinel_login';
/** The login state lives 10 minutes, in the cookie and on the server's clock. */
export const LOGIN_STATE_TTL_MS = 10 * 60 * 1000;

export type LoginPurpose = 'user' | 'admin';

/** What a login started with, kept in the signed cookie until the provider calls back. */
export const loginStateSchema = z.object({
  /** 256 random bits, sent to the provider and compared at the callback. */
  state: z.string().min(43),
  provider: z.string(),
  purpose: z.enum(['user', 'admin']),
  /** Our own PKCE verifier towards the provider. */
  verifier: z.string().optional(),
  /** OIDC nonce. */
  nonce: z.string().optional(),
  /** The client app's redirect URI and PKCE challenge (user logins). */
  redirect_uri: z.string().optional(),
  client_app_id: z.string().optional(),
  code_challenge: z.string().optional(),
  issued_at: z.number().int(),
});
export type LoginState = z.infer<typeof loginStateSchema>;

export interface LoginStateStore {
  /** Starts a login: a fresh state, kept in the cookie. */
  begin(res: Response, fields: Omit<LoginState, 'state' | 'issued_at'>): LoginState;
  /**
   * Ends a login at the callback: the cookie must be ours (signed), fresh, for this provider and
   * purpose, carry the state the provider echoed, and not have been used before. Clears the cookie.
   */
  complete(req: Request, res: Response, provider: string, purpose: LoginPurpose, echoedState: unknown): Promise<LoginState>;
}

export function createLoginStateStore(options: { cookieSecure: boolean; redis: Redis }): LoginStateStore {
  const cookieOptions: CookieOptions = {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.cookieSecure,
    signed: true,
    path: '/auth',
  };
  return {
    begin(res, fields) {
      const login: LoginState = { ...fields, state: randomToken(32), issued_at: Date.now() };
      res.cookie(LOGIN_COOKIE, login, { ...cookieOptions, maxAge: LOGIN_STATE_TTL_MS });
      return login;
    },
    async complete(req, res, provider, purpose, echoedState) {
      const raw: unknown = (req.signedCookies as Record<string, unknown> | undefined)?.[LOGIN_COOKIE];
      res.clearCookie(LOGIN_COOKIE, cookieOptions);
      if (raw === undefined) throw LoginError.sessionExpired('The sign-in session is missing or has expired. Please start again.');
      const parsed = loginStateSchema.safeParse(raw);
      if (!parsed.success) throw LoginError.invalidState();
      const login = parsed.data;
      if (Date.now() - login.issued_at > LOGIN_STATE_TTL_MS || login.issued_at > Date.now() + 60_000) {
        throw LoginError.sessionExpired('The sign-in session has expired. Please start again.');
      }
      if (typeof echoedState !== 'string' || !safeEqual(echoedState, login.state)) throw LoginError.invalidState();
      if (login.provider !== provider || login.purpose !== purpose) throw LoginError.invalidState();
      // Single use: a replayed callback (same cookie, same state) finds the state already spent.
      const fresh = await options.redis.set(`login-state:${sha256Hex(login.state)}`, '1', 'PX', LOGIN_STATE_TTL_MS + 60_000, 'NX');
      if (fresh !== 'OK') throw LoginError.invalidState();
      return login;
    },
  };
}
