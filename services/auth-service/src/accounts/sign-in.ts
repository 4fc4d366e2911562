import { randomBytes, randomUUID } from 'node:crypto';
import { aadFor, type KeyRing } from '@sentinel/crypto';
import { Prisma, recordActivity, type Database } from '@sentinel/db';
import { LoginError } from '../login/errors';
import type { LoginPurpose } from '../login/state';
import type { ProviderProfile } from '../providers';

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
}

export class NotAdminError extends LoginError {
  constructor() {
    super('not_allowed', 'Not an Admin', 'This account is not an administrator', 'not_admin');
  }
}

const stripHtml = (value: string) => value.replace(/<[^>]*>/g, '').trim().slice(0, 255);
const safeAvatar = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url.slice(0, 2048) : null);

/** The encrypted provider tokens of a social account row, bound to that row's id. */
function encryptedTokens(keys: KeyRing, rowId: string, profile: ProviderProfile) {
  return {
    accessTokenEncrypted: profile.accessToken
      ? keys.encrypt(profile.accessToken, aadFor('social_accounts', 'access_token_encrypted', rowId))
      : null,
    refreshTokenEncrypted: profile.refreshToken
      ? keys.encrypt(profile.refreshToken, aadFor('social_accounts', 'refresh_token_encrypted', rowId))
      : null,
  };
}

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
 * match on (provider, immutable id) first; otherwise link through a verified email (never for
 * providers whose email may not link, e.g. Entra ID); otherwise create the user. Provider tokens
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
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return attempt();
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
  } else {
    const existing = await tx.user.findUnique({ where: { email }, select: { id: true } });
    if (existing && !profile.linkByEmail) {
      // Never sign in as someone else because an email matched, unless the provider's email may link.
      throw new LoginError('not_allowed', 'Account Conflict', 'This email belongs to an account of another sign-in', 'email_conflict');
    }
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
        detail: { provider: profile.provider, social_account_id: rowId },
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
  const workspace = await tx.workspace.create({
    data: {
      slug: personalSlug(email),
      name: `${name}'s workspace`.slice(0, 255),
      createdById: userId,
      memberships: { create: { userId, role: 'owner' } },
    },
    select: { id: true, slug: true },
  });
  await recordActivity(tx, {
    action: 'workspace_created',
    actorId: userId,
    targetType: 'workspace',
    targetId: workspace.id,
    workspaceId: workspace.id,
    detail: { slug: workspace.slug, personal: true },
  });
}

/** A failed login, written on its own (the login's transaction, if any, was rolled back). */
export async function recordLoginFailure(
  prisma: Database,
  entry: { provider: string; purpose: LoginPurpose; reason: string; email?: string | undefined },
): Promise<void> {
  await recordActivity(prisma, {
    action: 'login_failed',
    targetType: 'user',
    detail: { provider: entry.provider, purpose: entry.purpose, reason: entry.reason, email: entry.email ?? null },
  });
}
