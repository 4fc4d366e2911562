import { randomUUID } from 'node:crypto';
import { aadFor, type KeyRing } from '@sentinel/crypto';
import { recordActivity, type Prisma } from '@sentinel/db';
import type { AccountLinking } from '../config';
import { LoginError } from '../login/errors';
import type { PendingLink } from '../login/pending-links';
import type { LoginState } from '../login/state';
import type { ProviderProfile } from '../providers';

type Tx = Prisma.TransactionClient;

/**
 * A sign-in whose verified email belongs to an existing user it may not (yet) be linked to. The
 * callback turns it into the 409 "Account Conflict" page; under `reauthenticate` it also keeps
 * a pending link that a sign-in as `userId` with an already linked provider completes.
 */
export class AccountConflict extends LoginError {
  constructor(
    readonly userId: string,
    /** The providers already linked to that user, first linked first. */
    readonly linkedProviders: readonly string[],
    readonly linking: AccountLinking,
  ) {
    super('conflict', 'Account Conflict', 'This email address belongs to an existing account', 'account_conflict');
  }
}

/** May a sign-in link to the existing user with its verified email, under this policy? */
export function mayLinkByEmail(linking: AccountLinking, linkedProviders: readonly string[]): boolean {
  // A user an admin made (CSV import, invitation, …) has no account yet: the first matching sign-in links.
  return linking === 'trusted' || (linking === 'reauthenticate' && linkedProviders.length === 0);
}

/** The encrypted provider tokens of a social account row, bound to that row's id. */
export function encryptedTokens(keys: KeyRing, rowId: string, profile: Pick<ProviderProfile, 'accessToken' | 'refreshToken'>) {
  return {
    accessTokenEncrypted: profile.accessToken
      ? keys.encrypt(profile.accessToken, aadFor('social_accounts', 'access_token_encrypted', rowId))
      : null,
    refreshTokenEncrypted: profile.refreshToken
      ? keys.encrypt(profile.refreshToken, aadFor('social_accounts', 'refresh_token_encrypted', rowId))
      : null,
  };
}

/** The pending link a refused `reauthenticate` sign-in leaves, for the login it belongs to. */
export function pendingLinkFor(keys: KeyRing, conflict: AccountConflict, profile: ProviderProfile, login: LoginState): Omit<PendingLink, 'expires_at'> {
  const accountId = randomUUID();
  const tokens = encryptedTokens(keys, accountId, profile);
  return {
    user_id: conflict.userId,
    provider: profile.provider,
    provider_user_id: profile.providerUserId,
    account_id: accountId,
    provider_data: profile.data,
    access_token_encrypted: tokens.accessTokenEncrypted,
    refresh_token_encrypted: tokens.refreshTokenEncrypted,
    purpose: login.purpose,
    ...(login.purpose === 'user' ? { client_app_id: login.client_app_id, redirect_uri: login.redirect_uri, code_challenge: login.code_challenge } : {}),
  };
}

/**
 * Inside the sign-in's transaction, once the person has signed in as `userId` through an account
 * that was already linked: the pending account becomes theirs. An account that exists by now
 * (a racing completion, or someone else's) is never moved; (provider, subject) is unique, so of
 * two racing inserts one fails and its retried transaction finds the row.
 */
export async function completePendingLink(tx: Tx, link: PendingLink, userId: string, confirmedWith: string): Promise<boolean> {
  if (link.user_id !== userId) return false;
  const taken = await tx.socialAccount.findUnique({
    where: { provider_providerUserId: { provider: link.provider, providerUserId: link.provider_user_id } },
    select: { id: true },
  });
  if (taken) return false;
  await tx.socialAccount.create({
    data: {
      id: link.account_id,
      userId,
      provider: link.provider,
      providerUserId: link.provider_user_id,
      providerData: link.provider_data,
      accessTokenEncrypted: link.access_token_encrypted,
      refreshTokenEncrypted: link.refresh_token_encrypted,
    },
  });
  await recordActivity(tx, {
    action: 'account_linked',
    actorId: userId,
    targetType: 'user',
    targetId: userId,
    detail: { provider: link.provider, social_account_id: link.account_id, linking: 'reauthenticate', confirmed_with: confirmedWith },
  });
  return true;
}
