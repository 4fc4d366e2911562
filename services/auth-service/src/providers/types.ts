import type { Request, Response } from 'express';
import type { LoginPurpose, LoginState } from '../login/state';

/** Who the provider says signed in: only what the provider itself asserted. */
export interface ProviderProfile {
  provider: string;
  /** The provider's immutable user id (Entra ID: "<tid>:<oid>"); never an email. */
  providerUserId: string;
  email: string | undefined;
  /** The provider asserted that this email belongs to the person. */
  emailVerified: boolean;
  name: string;
  avatarUrl: string | undefined;
  accessToken: string | undefined;
  refreshToken: string | undefined;
  /** Non-secret provider data kept with the account (login, tenant, …). */
  data: Record<string, string | number | boolean | null>;
}

/** What a login carries from start to callback besides the provider's own state. */
export type LoginFields = Pick<LoginState, 'purpose' | 'redirect_uri' | 'client_app_id' | 'code_challenge'>;

export interface CompletedLogin {
  login: LoginState;
  profile: ProviderProfile;
}

export interface LoginProvider {
  readonly name: string;
  /** Sends the browser to the provider (a redirect), keeping the login state in the cookie. */
  start(req: Request, res: Response, fields: LoginFields): Promise<void>;
  /** At the callback: checks the state, exchanges the code and returns who signed in. */
  finish(req: Request, res: Response, purpose: LoginPurpose): Promise<CompletedLogin>;
}

export interface ProviderContext {
  baseUrl: string;
}

/** Where a provider sends the browser back: the gateway's public URL. */
export function callbackUrl(baseUrl: string, provider: string, purpose: LoginPurpose): string {
  return `${baseUrl.replace(/\/+$/, '')}/auth${purpose === 'admin' ? '/admin' : ''}/callback/${provider}`;
}

/** Claims arrive as unknown JSON: a non-empty string or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `email_verified` is a boolean, though some providers send the string "true". */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
