import type { Response } from 'express';
import { pendingLinkFor, type AccountConflict } from '../accounts/linking';
import { recordLoginFailure } from '../accounts/sign-in';
import type { AuthContext } from '../context';
import { LoginError, type PageLink } from '../login/errors';
import type { LoginState } from '../login/state';
import type { ProviderProfile } from '../providers';

const LABELS: Record<string, string> = { google: 'Google', github: 'GitHub', entra_id: 'Microsoft Entra ID', dev: 'the development sign-in' };
export const providerLabel = (name: string) => LABELS[name] ?? name;

const either = (names: readonly string[]) => names.map(providerLabel).join(' or ');
const duration = (seconds: number) =>
  seconds >= 120 ? `${Math.floor(seconds / 60)} minutes` : seconds === 1 ? '1 second' : `${seconds} seconds`;

/** Where the conflict page sends someone to sign in with another provider, in the same login flow. */
function loginLinks(ctx: AuthContext, providers: readonly string[], login: LoginState): PageLink[] {
  if (login.purpose !== 'user' || !login.redirect_uri || !login.code_challenge) return [];
  const base = ctx.config.BASE_URL.replace(/\/+$/, '');
  return providers.map((name) => {
    const url = new URL(`${base}/auth/login/${encodeURIComponent(name)}`);
    url.search = new URLSearchParams({ redirect_uri: login.redirect_uri ?? '', code_challenge: login.code_challenge ?? '', code_challenge_method: 'S256' }).toString();
    return { label: `Sign in with ${providerLabel(name)}`, href: url.href };
  });
}

/**
 * A sign-in refused because its email belongs to another account: under `reauthenticate` the
 * link is kept pending for this browser (when a provider already linked to that user can be
 * used), the refusal is logged, and the answer is the 409 page naming the provider to use.
 */
export async function refuseLink(ctx: AuthContext, res: Response, conflict: AccountConflict, login: LoginState, profile: ProviderProfile): Promise<LoginError> {
  const usable = conflict.linkedProviders.filter((name) => ctx.providers.get(name) !== undefined);
  const pending = conflict.linking === 'reauthenticate' && usable.length > 0;
  if (pending) await ctx.pendingLinks.save(res, pendingLinkFor(ctx.keys, conflict, profile, login));
  await recordLoginFailure(ctx.prisma, { provider: profile.provider, purpose: login.purpose, reason: conflict.reason, email: profile.email, error: conflict });
  const detail =
    usable.length === 0
      ? `This email address belongs to an existing account that cannot sign in with ${providerLabel(profile.provider)}. Ask an administrator.`
      : pending
        ? `This email address belongs to an existing account that signs in with ${either(usable)}. Sign in with ${either(usable)} in this browser within ${duration(ctx.pendingLinks.ttlSeconds)} to link your ${providerLabel(profile.provider)} sign-in to it.`
        : `This email address belongs to an existing account that signs in with ${either(usable)}. Sign in with ${either(usable)} instead.`;
  return new LoginError('conflict', conflict.title, detail, conflict.reason, loginLinks(ctx, usable, login));
}
