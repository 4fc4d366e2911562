/**
 * The part of passport-azure-ad 4.3.5 (which ships no types) that providers/entra.ts uses: the
 * OpenID Connect strategy, authorization code flow, with a client secret.
 */
declare module 'passport-azure-ad' {
  import type { Strategy } from 'passport';

  export interface OIDCStrategyOptions {
    identityMetadata: string;
    clientID: string;
    clientSecret: string;
    responseType: 'code';
    responseMode: 'query' | 'form_post';
    redirectUrl: string;
    allowHttpForRedirectUrl?: boolean;
    validateIssuer?: boolean;
    passReqToCallback?: false;
    scope?: string[];
    loggingLevel?: 'info' | 'warn' | 'error';
    loggingNoPII?: boolean;
    nonceLifetime?: number;
    nonceMaxAmount?: number;
    clockSkew?: number;
    /** Where its state/nonce tuples live in `req.session` (default "OIDC: <clientID>"). */
    sessionKey?: string;
  }

  /** `passport.authenticate` options the strategy reads. */
  export interface OIDCAuthenticateOptions {
    session?: boolean;
    extraAuthReqQueryParams?: Record<string, string>;
    extraTokenReqQueryParams?: Record<string, string>;
  }

  /** The arity-8 verify function: the ID token's claims and the token endpoint's answer. */
  export type OIDCVerify = (
    iss: string,
    sub: string,
    profile: unknown,
    jwtClaims: Record<string, unknown>,
    accessToken: string | undefined,
    refreshToken: string | undefined,
    params: unknown,
    done: (err: Error | null, user?: unknown, info?: unknown) => void,
  ) => void;

  export class OIDCStrategy implements Strategy {
    constructor(options: OIDCStrategyOptions, verify: OIDCVerify);
    name?: string;
    authenticate: Strategy['authenticate'];
  }
}
