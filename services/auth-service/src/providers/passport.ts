import type { Logger } from '@sentinel/http';
import type { Request, Response } from 'express';
import { Passport, type AuthenticateOptions, type Strategy } from 'passport';
import { LoginError } from '../login/errors';
import type { LoginPurpose, LoginState, LoginStateStore } from '../login/state';
import { logProviderFailure } from './failures';
import { callbackUrl, type CompletedLogin, type LoginFields, type LoginProvider, type ProviderProfile } from './types';

/** What a passport-oauth2 strategy hands its verify function, passed on unchanged. */
export interface OAuthResult {
  accessToken: string;
  refreshToken: string | undefined;
  profile: unknown;
}

export type OAuthVerify = (
  accessToken: string,
  refreshToken: string,
  profile: unknown,
  done: (err: Error | null, user?: OAuthResult) => void,
) => void;

/**
 * passport-oauth2's state store interface (store with 5 arguments: PKCE): the state and our own
 * PKCE verifier go into the signed login cookie, and are checked and spent at the callback.
 * passport-oauth2 dispatches on the functions' arity, so both keep their exact parameter lists.
 */
export function cookieStateStore(provider: string, states: LoginStateStore, purposeOf: WeakMap<Request, LoginPurpose>) {
  return {
    store(req: Request, verifier: string, fields: LoginFields, _meta: unknown, done: (err: Error | null, state?: string) => void) {
      if (!req.res) return done(new Error('no response to set the login cookie on'));
      const login = states.begin(req.res, { ...fields, provider, verifier });
      done(null, login.state);
    },
    verify(req: Request, state: string, _meta: unknown, done: (err: Error | null, ok?: string | false, login?: LoginState) => void) {
      const purpose = purposeOf.get(req) ?? 'user';
      if (!req.res) return done(new Error('no response to clear the login cookie on'));
      states.complete(req, req.res, provider, purpose, state).then(
        (login) => (login.verifier ? done(null, login.verifier, login) : done(LoginError.invalidState())),
        (err: Error) => done(err),
      );
    },
  };
}

export interface PassportProviderOptions {
  name: string;
  baseUrl: string;
  /** Where provider failures are reported (warn; name and message only). */
  logger: Logger;
  /** Builds the strategy with the given state store and verify function. */
  strategy(store: ReturnType<typeof cookieStateStore>, verify: OAuthVerify): Strategy;
  /** The provider's answer as our profile (email verification decided here). */
  toProfile(result: OAuthResult): ProviderProfile;
}

/** A provider driven by a passport strategy (passport-oauth2 family), without sessions. */
export function passportProvider(states: LoginStateStore, options: PassportProviderOptions): LoginProvider {
  const purposeOf = new WeakMap<Request, LoginPurpose>();
  const passport = new Passport();
  const verify: OAuthVerify = (accessToken, refreshToken, profile, done) =>
    done(null, { accessToken, refreshToken: refreshToken || undefined, profile });
  passport.use(options.name, options.strategy(cookieStateStore(options.name, states, purposeOf), verify));
  /** Our LoginErrors pass unchanged; anything else is logged and answered as a provider failure. */
  const failed = (stage: 'start' | 'callback', failure: unknown): LoginError => {
    if (failure instanceof LoginError) return failure;
    logProviderFailure(options.logger, options.name, stage, failure);
    return LoginError.providerFailed();
  };

  return {
    name: options.name,
    start: (req, res, fields) =>
      new Promise<void>((resolve, reject) => {
        purposeOf.set(req, fields.purpose);
        res.once('finish', () => resolve());
        const authenticate = passport.authenticate(
          options.name,
          // passport-oauth2 hands a non-string `state` to the store; callbackURL is its per-call option.
          { session: false, state: fields, callbackURL: callbackUrl(options.baseUrl, options.name, fields.purpose) } as unknown as AuthenticateOptions,
          (err: unknown, _user: unknown, info: unknown) => reject(failed('start', err ?? info)),
        ) as (req: Request, res: Response, next: (err?: unknown) => void) => void;
        authenticate(req, res, (err) => (err ? reject(failed('start', err)) : resolve()));
      }),
    finish: (req, res, purpose) =>
      new Promise<CompletedLogin>((resolve, reject) => {
        purposeOf.set(req, purpose);
        const authenticate = passport.authenticate(
          options.name,
          { session: false, callbackURL: callbackUrl(options.baseUrl, options.name, purpose) } as AuthenticateOptions,
          (err: unknown, user: OAuthResult | false | undefined, info: { state?: LoginState } | undefined) => {
            if (err) return reject(failed('callback', err));
            if (!user || !info?.state) return reject(failed('callback', info ?? 'no user from the provider'));
            try {
              resolve({ login: info.state, profile: options.toProfile(user) });
            } catch (error) {
              reject(failed('callback', error));
            }
          },
        ) as (req: Request, res: Response, next: (err?: unknown) => void) => void;
        authenticate(req, res, (err) => reject(failed('callback', err)));
      }),
  };
}
