import { randomBytes, randomUUID } from 'node:crypto';
import type { KeyRing } from '@sentinel/crypto';
import { createWorkspaceWithOwner, isUniqueViolation, recordActivity, type Database, type Prisma } from '@sentinel/db';
import type { AccountLinking } from '../config';
import { LoginError } from '../login/errors';
import type { PendingLink } from '../login/pending-links';
import type { LoginPurpose } from '../login/state';
import type { ProviderProfile } from '../providers';
import { AccountConflict, completePendingLink, encryptedTokens, mayLinkByEmail } from './linking';

type Tx = Prisma.TransactionClient;

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** True when this login created the user. */
  created: boolean;
}

export interface AccountDeps {
  prisma: Database;
  keys: KeyRing;
  /** ADMIN_EMAILS, lower case. */
  adminEmails: readonly string[];
}

export interface SignInOptions {
  purpose: LoginPurpose;
  clientAppId?: string | undefined;
  /** The provider's policy for linking to an existing user by verified email. */
  linking: AccountLinking;
  /** A pending link this browser holds for this login flow: completed if this is a sign-in as its user. */
  pendingLink?: PendingLink | undefined;
}

export class NotAdminError extends LoginError {
  constructor() {
    super('not_allowed', 'Not an Admin', 'This account is not an administrator', 'not_admin');
  }
}

const stripHtml = (value: string) => value.replace(/<[^>]*>/g, '').trim().slice(0, 255);
const safeAvatar = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url.slice(0, 2048) : null);

/** A slug for a personal workspace: the email's local part and a random suffix. */
export function personalSlug(email: string): string {
  const base =
    (email.split('@')[0] ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/g, '') || 'user';
  return `${base}-${randomBytes(3).toString('hex')}`;
}

/**
 * Finds or creates the user a provider vouched for, in one transaction with its consequences:
 * match on (provider, immutable id) first (and then complete this browser's pending link for
 * that user, if any); otherwise link to the user with the verified email when the provider's
 * policy allows it (an AccountConflict when not); otherwise create the user. Provider tokens
 * are stored encrypted, ADMIN_EMAILS promotes, pending invitations for the email become
 * memberships, and someone with no workspace gets a personal one. The login is logged with it.
 */
export async function signIn(deps: AccountDeps, profile: ProviderProfile, options: SignInOptions): Promise<SignedInUser> {
  if (!profile.email || !profile.emailVerified) throw LoginError.emailNotVerified();
  const email = profile.email.toLowerCase();
  const attempt = () => deps.prisma.$transaction((tx) => signInTx(tx, deps, profile, email, options));
  try {
    return await attempt();
  } catch (err) {
    // Two first logins of the same person raced on a unique key: the second one now finds the row.
    if (isUniqueViolation(err)) return attempt();
    throw err;
  }
}

async function signInTx(tx: Tx, deps: AccountDeps, profile: ProviderProfile, email: string, options: SignInOptions): Promise<SignedInUser> {
  const name = stripHtml(profile.name) || email;
  const avatarUrl = safeAvatar(profile.avatarUrl);
  const providerData = profile.data as Prisma.InputJsonObject;
  const account = await tx.socialAccount.findUnique({
    where: { provider_providerUserId: { provider: profile.provider, providerUserId: profile.providerUserId } },
    select: { id: true, userId: true },
  });

  let userId: string;
  let created = false;
  if (account) {
    userId = account.userId;
    await tx.socialAccount.update({
      where: { id: account.id },
      data: { providerData, ...encryptedTokens(deps.keys, account.id, profile) },
    });
    await tx.user.update({ where: { id: userId }, data: { name, ...(avatarUrl ? { avatarUrl } : {}) } });
    // Signed in through an account already linked to this user: the proof a pending link waits for.
    if (options.pendingLink) await completePendingLink(tx, options.pendingLink, userId, profile.provider);
  } else {
    const existing = await tx.user.findUnique({
      where: { email },
      select: { id: true, socialAccounts: { select: { provider: true }, orderBy: { createdAt: 'asc' } } },
    });
    const linkedProviders = [...new Set(existing?.socialAccounts.map((a) => a.provider))];
    // Never sign in as someone else because an email matched, unless the provider's policy allows it.
    if (existing && !mayLinkByEmail(options.linking, linkedProviders)) throw new AccountConflict(existing.id, linkedProviders, options.linking);
    if (existing) {
      userId = existing.id;
    } else {
      userId = (await tx.user.create({ data: { email, name, avatarUrl }, select: { id: true } })).id;
      created = true;
    }
    const rowId = randomUUID();
    await tx.socialAccount.create({
      data: {
        id: rowId,
        userId,
        provider: profile.provider,
        providerUserId: profile.providerUserId,
        providerData,
        ...encryptedTokens(deps.keys, rowId, profile),
      },
    });
    if (existing) {
      await recordActivity(tx, {
        action: 'account_linked',
        actorId: userId,
        targetType: 'user',
        targetId: userId,
        detail: { provider: profile.provider, social_account_id: rowId, linking: options.linking, pre_provisioned: linkedProviders.length === 0 },
      });
    }
  }

  if (deps.adminEmails.includes(email)) await tx.user.updateMany({ where: { id: userId, isAdmin: false }, data: { isAdmin: true } });
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, name: true, isActive: true, isAdmin: true } });
  if (!user.isActive) throw new LoginError('not_allowed', 'Account Disabled', 'This account is disabled', 'user_inactive');
  if (options.purpose === 'admin' && !user.isAdmin) throw new NotAdminError();

  await acceptInvitations(tx, userId, email);
  if ((await tx.workspaceMembership.count({ where: { userId } })) === 0) await createPersonalWorkspace(tx, userId, email, name);

  await recordActivity(tx, {
    action: options.purpose === 'admin' ? 'admin_login' : 'user_login',
    actorId: userId,
    targetType: 'user',
    targetId: userId,
    detail: { provider: profile.provider, client_app_id: options.clientAppId ?? null, new_user: created },
  });
  return { id: userId, email: user.email, name: user.name, isAdmin: user.isAdmin, created };
}

/** Pending, unexpired invitations for this (verified) email become memberships. */
async function acceptInvitations(tx: Tx, userId: string, email: string): Promise<void> {
  const invitations = await tx.invitation.findMany({
    where: { email: { equals: email, mode: 'insensitive' }, status: 'pending', expiresAt: { gt: new Date() } },
    select: { id: true, workspaceId: true, role: true },
  });
  for (const invitation of invitations) {
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, status: 'pending' },
      data: { status: 'accepted', acceptedAt: new Date() },
    });
    if (claimed.count === 0) continue;
    await tx.workspaceMembership.upsert({
      where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId } },
      create: { workspaceId: invitation.workspaceId, userId, role: invitation.role },
      update: {},
    });
    await recordActivity(tx, {
      action: 'invitation_accepted',
      actorId: userId,
      targetType: 'invitation',
      targetId: invitation.id,
      workspaceId: invitation.workspaceId,
      detail: { role: invitation.role },
    });
  }
}

/** So that no one is stuck without a workspace (0.7's bootstrapping gap). */
async function createPersonalWorkspace(tx: Tx, userId: string, email: string, name: string): Promise<void> {
  await createWorkspaceWithOwner(tx, { slug: personalSlug(email), name: `${name}'s workspace`.slice(0, 255), ownerId: userId }, { personal: true });
}

/**
 * A failed login, written on its own (the login's transaction, if any, was rolled back). A
 * refused account link names the existing user as its target, and says what was refused.
 */
export async function recordLoginFailure(
  prisma: Database,
  entry: { provider: string; purpose: LoginPurpose; reason: string; email?: string | undefined; error?: LoginError },
): Promise<void> {
  const conflict = entry.error instanceof AccountConflict ? entry.error : undefined;
  await recordActivity(prisma, {
    action: 'login_failed',
    targetType: 'user',
    targetId: conflict?.userId ?? null,
    detail: {
      provider: entry.provider,
      purpose: entry.purpose,
      reason: entry.reason,
      email: entry.email ?? null,
      ...(conflict ? { linking: conflict.linking, linked_providers: [...conflict.linkedProviders] } : {}),
    },
  });
}
