import { Strategy as GoogleStrategy } from 'passport-google-oauth20';
import type { Logger } from '@sentinel/http';
import type { Config } from '../config';
import type { LoginStateStore } from '../login/state';
import { passportProvider, type OAuthResult } from './passport';
import { isTrue, text, type LoginProvider, type ProviderProfile } from './types';

interface GoogleProfile {
  id?: unknown;
  displayName?: unknown;
  _json?: Record<string, unknown>;
}

function toProfile({ accessToken, refreshToken, profile }: OAuthResult): ProviderProfile {
  const p = profile as GoogleProfile;
  const claims = p._json ?? {};
  const sub = text(claims.sub) ?? text(p.id);
  if (!sub) throw new Error('Google profile without sub');
  const email = text(claims.email);
  return {
    provider: 'google',
    providerUserId: sub,
    email,
    emailVerified: email !== undefined && isTrue(claims.email_verified),
    name: text(claims.name) ?? text(p.displayName) ?? email ?? sub,
    avatarUrl: text(claims.picture),
    accessToken,
    refreshToken,
    data: { hd: text(claims.hd) ?? null },
  };
}

/** Google through passport-google-oauth20, with its three URLs overridable. */
export function googleProvider(config: Config, states: LoginStateStore, logger: Logger): LoginProvider | undefined {
  const { GOOGLE_CLIENT_ID: clientID, GOOGLE_CLIENT_SECRET: clientSecret } = config;
  if (!clientID || !clientSecret) return undefined;
  return passportProvider(states, {
    name: 'google',
    baseUrl: config.BASE_URL,
    logger,
    strategy: (store, verify) =>
      new GoogleStrategy(
        {
          clientID,
          clientSecret,
          callbackURL: `${config.BASE_URL}/auth/callback/google`,
          ...(config.GOOGLE_AUTHORIZATION_URL ? { authorizationURL: config.GOOGLE_AUTHORIZATION_URL } : {}),
          ...(config.GOOGLE_TOKEN_URL ? { tokenURL: config.GOOGLE_TOKEN_URL } : {}),
          ...(config.GOOGLE_USERINFO_URL ? { userProfileURL: config.GOOGLE_USERINFO_URL } : {}),
          scope: ['openid', 'email', 'profile'],
          pkce: true,
          store: store as never,
        },
        verify,
      ),
    toProfile,
  });
}
