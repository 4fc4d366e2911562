import type { Logger } from '@sentinel/http';
import type { Request } from 'express';
import * as oidc from 'openid-client';
import { isLoopbackUrl, type Config, type OidcProviderConfig } from '../config';
import { LoginError } from '../login/errors';
import type { LoginStateStore } from '../login/state';
import { logProviderFailure } from './failures';
import { callbackUrl, isTrue, text, type LoginProvider, type ProviderProfile } from './types';

/**
 * A generic OpenID Connect provider (Okta, Keycloak, Auth0, …) configured by discovery with
 * openid-client: authorization code with our own PKCE, state and nonce; identity from the
 * verified ID token (and the userinfo endpoint when the ID token carries no email).
 */
export function oidcProvider(provider: OidcProviderConfig, config: Config, states: LoginStateStore, logger: Logger): LoginProvider {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(provider.issuer), provider.clientId, undefined, oidc.ClientSecretPost(provider.clientSecret), {
        // http only for issuers on loopback addresses (local development, tests).
        ...(isLoopbackUrl(new URL(provider.issuer)) ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((err: unknown) => {
        discovered = undefined; // try again at the next login
        throw err;
      });
    return discovered;
  };

  const toProfile = async (cfg: oidc.Configuration, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<ProviderProfile> => {
    const claims: Record<string, unknown> = { ...tokens.claims() };
    const sub = text(claims.sub);
    if (!sub) throw new Error('ID token without sub');
    if (text(claims.email) === undefined && cfg.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(cfg, tokens.access_token, sub);
      Object.assign(claims, { ...info, sub });
    }
    const email = text(claims.email);
    return {
      provider: provider.name,
      providerUserId: sub,
      email,
      emailVerified: email !== undefined && isTrue(claims.email_verified),
      name: text(claims.name) ?? text(claims.preferred_username) ?? email ?? sub,
      avatarUrl: text(claims.picture),
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      data: { issuer: provider.issuer },
    };
  };

  return {
    name: provider.name,
    async start(_req, res, fields) {
      const cfg = await configuration().catch((err: unknown) => {
        logProviderFailure(logger, provider.name, 'start', err);
        throw LoginError.providerFailed();
      });
      const verifier = oidc.randomPKCECodeVerifier();
      const login = states.begin(res, { ...fields, provider: provider.name, verifier, nonce: oidc.randomNonce() });
      const url = oidc.buildAuthorizationUrl(cfg, {
        redirect_uri: callbackUrl(config.BASE_URL, provider.name, fields.purpose),
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: login.state,
        nonce: login.nonce ?? '',
      });
      res.redirect(302, url.href);
    },
    async finish(req: Request, res, purpose) {
      const login = await states.complete(req, res, provider.name, purpose, req.query.state);
      if (!login.verifier || !login.nonce) throw LoginError.invalidState();
      try {
        const cfg = await configuration();
        const current = new URL(callbackUrl(config.BASE_URL, provider.name, purpose));
        current.search = new URL(req.originalUrl, 'http://callback.invalid').search;
        const tokens = await oidc.authorizationCodeGrant(cfg, current, {
          pkceCodeVerifier: login.verifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
        return { login, profile: await toProfile(cfg, tokens) };
      } catch (err) {
        if (err instanceof LoginError) throw err;
        logProviderFailure(logger, provider.name, 'callback', err);
        throw LoginError.providerFailed();
      }
    },
  };
}
