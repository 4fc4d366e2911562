import { Strategy as GitHubStrategy } from 'passport-github2';
import type { Logger } from '@sentinel/http';
import type { Config } from '../config';
import type { LoginStateStore } from '../login/state';
import { passportProvider, type OAuthResult } from './passport';
import { text, type LoginProvider, type ProviderProfile } from './types';

interface GitHubProfile {
  id?: unknown;
  username?: unknown;
  displayName?: unknown;
  emails?: Array<{ value?: unknown; primary?: unknown; verified?: unknown }>;
  _json?: Record<string, unknown>;
}

function toProfile({ accessToken, refreshToken, profile }: OAuthResult): ProviderProfile {
  const p = profile as GitHubProfile;
  const json = p._json ?? {};
  const id = typeof json.id === 'number' ? String(json.id) : text(json.id) ?? text(p.id);
  if (!id) throw new Error('GitHub profile without id');
  // Only the primary address, and only when GitHub says it is verified (from /user/emails).
  const primary = (p.emails ?? []).find((e) => e.primary === true);
  const email = text(primary?.value);
  const login = text(json.login) ?? text(p.username);
  return {
    provider: 'github',
    providerUserId: id,
    email,
    emailVerified: email !== undefined && primary?.verified === true,
    name: text(json.name) ?? login ?? email ?? id,
    avatarUrl: text(json.avatar_url),
    accessToken,
    refreshToken,
    data: { login: login ?? null },
  };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** GitHub (or GitHub Enterprise Server through GITHUB_BASE_URL and GITHUB_API_URL). */
export function githubProvider(config: Config, states: LoginStateStore, logger: Logger): LoginProvider | undefined {
  const { GITHUB_CLIENT_ID: clientID, GITHUB_CLIENT_SECRET: clientSecret } = config;
  if (!clientID || !clientSecret) return undefined;
  const web = trimSlash(config.GITHUB_BASE_URL ?? 'https://github.com');
  const api = trimSlash(config.GITHUB_API_URL ?? 'https://api.github.com');
  return passportProvider(states, {
    name: 'github',
    baseUrl: config.BASE_URL,
    logger,
    strategy: (store, verify) =>
      new GitHubStrategy(
        {
          clientID,
          clientSecret,
          callbackURL: `${config.BASE_URL}/auth/callback/github`,
          authorizationURL: `${web}/login/oauth/authorize`,
          tokenURL: `${web}/login/oauth/access_token`,
          userProfileURL: `${api}/user`,
          userEmailURL: `${api}/user/emails`,
          allRawEmails: true,
          scope: ['read:user', 'user:email'],
          pkce: true,
          store: store as never,
        },
        verify,
      ),
    toProfile,
  });
}
