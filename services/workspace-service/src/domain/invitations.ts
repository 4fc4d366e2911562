import type { InvitationResponse, InviteMemberRequest, MemberResponse } from '@sentinel/contracts';
import { recordActivity } from '@sentinel/db';
import { ConflictError, NotAllowedError, NotFoundError, type WorkspaceRole } from '@sentinel/http';
import { lockActor, lockWorkspace } from './locks';
import type { Actor, WorkspaceContext } from './context';
import { insertMember } from './members';
import { uniquely } from './transaction';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

interface InvitationRow {
  id: string;
  email: string;
  role: string;
  expiresAt: Date;
}

const toInvitation = (i: InvitationRow): InvitationResponse => ({
  invitation_id: i.id,
  email: i.email,
  role: i.role as WorkspaceRole,
  status: 'pending',
  expires_at: i.expiresAt.toISOString(),
});

export type InviteResult = { kind: 'member'; member: MemberResponse } | { kind: 'invitation'; invitation: InvitationResponse };

/**
 * POST /workspaces/{id}/members/invite [admin]: an existing user (by lower-cased email) is added
 * at once; an unknown email gets a pending invitation for 7 days, accepted at that email's first
 * verified sign-in (auth-service). Only an owner may invite an owner.
 */
export async function invite(ctx: WorkspaceContext, actor: Actor, input: InviteMemberRequest): Promise<InviteResult> {
  if (input.role === 'owner' && actor.role !== 'owner') throw new NotAllowedError('Only an owner can grant the owner role');
  return uniquely('This user is already a member or invited', () =>
    ctx.prisma.$transaction(async (tx) => {
      await lockWorkspace(tx, actor.workspaceId);
      if ((await lockActor(tx, actor, 'admin')) !== 'owner' && input.role === 'owner') {
        throw new NotAllowedError('Only an owner can grant the owner role');
      }
      const user = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
      const activity = { action: 'member_invited', actorId: actor.userId, workspaceId: actor.workspaceId };
      if (user) {
        const member = await insertMember(tx, actor.workspaceId, user.id, input.role);
        await recordActivity(tx, { ...activity, targetType: 'user', targetId: user.id, detail: { email: input.email, role: input.role } });
        return { kind: 'member', member };
      }
      const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
      const pending = await tx.invitation.findFirst({ where: { workspaceId: actor.workspaceId, email: input.email, status: 'pending' } });
      if (pending && pending.expiresAt > new Date()) throw new ConflictError('This email already has a pending invitation');
      const data = { role: input.role, invitedById: actor.userId, expiresAt };
      const invitation = pending
        ? await tx.invitation.update({ where: { id: pending.id }, data }) // an expired one is renewed
        : await tx.invitation.create({ data: { ...data, workspaceId: actor.workspaceId, email: input.email } });
      await recordActivity(tx, {
        ...activity,
        targetType: 'invitation',
        targetId: invitation.id,
        detail: { email: input.email, role: input.role, pending: true },
      });
      return { kind: 'invitation', invitation: toInvitation(invitation) };
    }),
  );
}

/** GET /workspaces/{id}/invitations: pending, unexpired invitations, newest first. */
export async function listInvitations(ctx: WorkspaceContext, workspaceId: string): Promise<InvitationResponse[]> {
  const rows = await ctx.prisma.invitation.findMany({
    where: { workspaceId, status: 'pending', expiresAt: { gt: new Date() } },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
  });
  return rows.map(toInvitation);
}

/** DELETE /workspaces/{id}/invitations/{invitation_id}: a pending invitation is revoked (kept, status `revoked`). */
export async function revokeInvitation(ctx: WorkspaceContext, actor: Actor, invitationId: string): Promise<void> {
  await ctx.prisma.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    await lockActor(tx, actor, 'admin');
    const { count } = await tx.invitation.updateMany({
      where: { id: invitationId, workspaceId: actor.workspaceId, status: 'pending' },
      data: { status: 'revoked' },
    });
    if (count === 0) throw new NotFoundError('Invitation not found');
    await recordActivity(tx, {
      action: 'invitation_revoked',
      actorId: actor.userId,
      targetType: 'invitation',
      targetId: invitationId,
      workspaceId: actor.workspaceId,
    });
  });
}
