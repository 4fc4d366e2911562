import { createHash } from 'node:crypto';
import { randomToken } from '@sentinel/crypto';
import type { Logger } from '@sentinel/http';
import type { Request, Response } from 'express';
import { Passport } from 'passport';
import { OIDCStrategy, type OIDCAuthenticateOptions, type OIDCVerify } from 'passport-azure-ad';
import type { Config } from '../config';
import { LoginError } from '../login/errors';
import type { LoginPurpose, LoginStateStore } from '../login/state';
import { logProviderFailure } from './failures';
import { callbackUrl, text, type LoginProvider, type ProviderProfile } from './types';

export const ENTRA = 'entra_id';
export const DEFAULT_ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
/** Where passport-azure-ad looks for its state/nonce tuples in `req.session`. */
const SESSION_KEY = 'sentinel:entra_id';
/**
 * passport-azure-ad takes any state of 38+ characters for "CUSTOM" + 32 characters + an app's
 * own state, and refuses one without that prefix; ours (43 characters) is sent after it.
 */
const STATE_PREFIX = 'CUSTOM';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EntraResult {
  claims: Record<string, unknown>;
  accessToken: string | undefined;
  refreshToken: string | undefined;
}

/** `xms_edov` ("email domain owner verified") is a boolean; some tokens carry it as "1"/"true". */
const isEdovTrue = (value: unknown) => value === true || value === 1 || value === 'true' || value === '1';

/**
 * Who Entra ID says signed in. The account is the immutable (tid, oid) pair, never the email;
 * whether an Entra email may link to an existing user is ENTRA_ACCOUNT_LINKING (default never:
 * an email match with another oid is refused by signIn). The email counts as verified only with `xms_edov` true: Entra's `email` claim is
 * whatever the tenant's administrators typed, and only xms_edov says the tenant owns the
 * address's domain. Without it there is no account at all, because an email still decides
 * ADMIN_EMAILS and pending invitations.
 */
export function entraProfile({ claims, accessToken, refreshToken }: EntraResult, tenant: string): ProviderProfile {
  const tid = text(claims.tid)?.toLowerCase();
  const oid = text(claims.oid)?.toLowerCase();
  if (!tid || !oid) throw new Error('Entra ID token without tid or oid');
  if (GUID.test(tenant) && tid !== tenant.toLowerCase()) throw new Error('Entra ID token of another tenant');
  const email = text(claims.email);
  return {
    provider: ENTRA,
    providerUserId: `${tid}:${oid}`,
    email,
    emailVerified: email !== undefined && isEdovTrue(claims.xms_edov),
    name: text(claims.name) ?? text(claims.preferred_username) ?? email ?? oid,
    avatarUrl: undefined,
    accessToken,
    refreshToken,
    data: { tid },
  };
}

/** The ID token's `alg`: passport-azure-ad accepts what the metadata lists; we insist on RS256. */
function idTokenAlg(params: unknown): string | undefined {
  const idToken = (params as { id_token?: unknown } | null)?.id_token;
  if (typeof idToken !== 'string') return undefined;
  try {
    const header = JSON.parse(Buffer.from(idToken.split('.')[0] ?? '', 'base64url').toString()) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg : undefined;
  } catch {
    return undefined;
  }
}

type Outcome = { redirect: string } | { user: EntraResult };

const asError = (failure: unknown): Error =>
  failure instanceof Error ? failure : new Error(typeof failure === 'string' ? failure : 'no user from the provider');

/**
 * Microsoft Entra ID through passport-azure-ad's OIDCStrategy: authorization code flow, query
 * response mode (our SameSite=Lax login cookie does not come with a cross-site form_post), one
 * tenant (ENTRA_TENANT_ID), endpoints from ENTRA_AUTHORITY's v2.0 metadata (national clouds).
 *
 * State and nonce are ours and live in the signed login cookie, like every provider's: no
 * express-session. passport-azure-ad keeps them in `req.session`, so the authorization URL it
 * builds gets our state and nonce in place of its own (its session entry is thrown away), and at
 * the callback, once the cookie has been verified and spent, it is handed a request-scoped
 * `req.session` holding exactly that state and nonce. It checks the ID token's signature (keys
 * from the metadata's jwks_uri), issuer, audience, expiry and nonce.
 *
 * PKCE: passport-azure-ad 4.3.5 has no PKCE of its own (it never sends a code_challenge nor a
 * code_verifier); ours goes through its `extraAuthReqQueryParams` (code_challenge, S256) and
 * `extraTokenReqQueryParams` (code_verifier), which it copies into the authorization request and
 * the token request.
 */
export function entraProvider(config: Config, states: LoginStateStore, logger: Logger): LoginProvider | undefined {
  const { ENTRA_CLIENT_ID: clientID, ENTRA_CLIENT_SECRET: clientSecret, ENTRA_TENANT_ID: tenant } = config;
  if (!clientID || !clientSecret || !tenant) return undefined;
  const authority = (config.ENTRA_AUTHORITY ?? DEFAULT_ENTRA_AUTHORITY).replace(/\/+$/, '');
  const passport = new Passport();
  const verify: OIDCVerify = (_iss, _sub, _profile, claims, accessToken, refreshToken, params, done) => {
    if (idTokenAlg(params) !== 'RS256') return done(new Error('Entra ID token not signed with RS256'));
    done(null, { claims, accessToken: accessToken || undefined, refreshToken: refreshToken || undefined });
  };
  // One strategy per purpose: passport-azure-ad takes its redirect URI from the strategy only.
  for (const purpose of ['user', 'admin'] as const) {
    const redirectUrl = callbackUrl(config.BASE_URL, ENTRA, purpose);
    passport.use(
      purpose,
      new OIDCStrategy(
        {
          identityMetadata: `${authority}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`,
          clientID,
          clientSecret,
          responseType: 'code',
          responseMode: 'query',
          redirectUrl,
          // http only on loopback addresses (config refuses any other http BASE_URL with Entra).
          allowHttpForRedirectUrl: redirectUrl.startsWith('http:'),
          validateIssuer: true,
          passReqToCallback: false,
          scope: ['openid', 'profile', 'email', 'offline_access'],
          sessionKey: SESSION_KEY,
          nonceLifetime: 600,
          nonceMaxAmount: 1,
          clockSkew: 60,
          loggingLevel: 'error',
          loggingNoPII: true,
        },
        verify,
      ),
    );
  }

  /** Runs the strategy; its redirect goes to a stand-in response, so that we answer the browser. */
  const run = (purpose: LoginPurpose, req: Request, options: OIDCAuthenticateOptions) =>
    new Promise<Outcome>((resolve, reject) => {
      const standIn = {
        statusCode: 200,
        setHeader(name: string, value: unknown) {
          if (name.toLowerCase() === 'location') resolve({ redirect: String(value) });
        },
        end() {},
      };
      const authenticate = passport.authenticate(purpose, { ...options, session: false }, (err: unknown, user: unknown, info: unknown) => {
        // A failure is passport-azure-ad's message (a string without tokens: loggingNoPII).
        if (err || !user) reject(asError(err ?? info));
        else resolve({ user: user as EntraResult });
      }) as (req: Request, res: unknown, next: (err?: unknown) => void) => void;
      authenticate(req, standIn, (err) => reject(asError(err ?? 'the strategy made no decision')));
    });

  const failed = (stage: 'start' | 'callback', failure: unknown): LoginError => {
    if (failure instanceof LoginError) return failure;
    logProviderFailure(logger, ENTRA, stage, failure);
    return LoginError.providerFailed();
  };

  return {
    name: ENTRA,
    async start(req: Request, res: Response, fields) {
      const verifier = randomToken(32);
      const nonce = randomToken(32);
      const outcome = await run(fields.purpose, req, {
        extraAuthReqQueryParams: { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' },
      }).catch((err: unknown) => {
        throw failed('start', err);
      });
      if (!('redirect' in outcome)) throw failed('start', new Error('no authorization redirect'));
      const login = states.begin(res, { ...fields, provider: ENTRA, verifier, nonce });
      const url = new URL(outcome.redirect);
      url.searchParams.set('state', `${STATE_PREFIX}${login.state}`);
      url.searchParams.set('nonce', nonce);
      res.redirect(302, url.href);
    },
    async finish(req: Request, res: Response, purpose) {
      const wire = req.query.state;
      const echoed = typeof wire === 'string' && wire.startsWith(STATE_PREFIX) ? wire.slice(STATE_PREFIX.length) : undefined;
      const login = await states.complete(req, res, ENTRA, purpose, echoed);
      if (!login.verifier || !login.nonce) throw LoginError.invalidState();
      // The login cookie, verified and spent above, is the only "session" passport-azure-ad sees.
      Object.assign(req, { session: { [SESSION_KEY]: { content: [{ state: wire, nonce: login.nonce, timeStamp: Date.now() }] } } });
      try {
        const outcome = await run(purpose, req, { extraTokenReqQueryParams: { code_verifier: login.verifier } });
        if (!('user' in outcome)) throw new Error('unexpected redirect at the callback');
        return { login, profile: entraProfile(outcome.user, tenant) };
      } catch (err) {
        throw failed('callback', err);
      }
    },
  };
}
