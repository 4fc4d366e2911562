import type { UpdateMeRequest, UserProfile } from '@sentinel/contracts';
import { recordActivity } from '@sentinel/db';
import { NotFoundError } from '@sentinel/http';
import type { WorkspaceContext } from './context';

interface UserRow {
  id: string;
  email: string;
  name: string;
  avatarUrl: string | null;
  isActive: boolean;
  createdAt: Date;
}

const toProfile = (u: UserRow): UserProfile => ({
  id: u.id,
  email: u.email,
  name: u.name,
  avatar_url: u.avatarUrl,
  is_active: u.isActive,
  created_at: u.createdAt.toISOString(),
});

export async function getProfile(ctx: WorkspaceContext, userId: string): Promise<UserProfile> {
  const user = await ctx.prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError('User not found');
  return toProfile(user);
}

/** PATCH /users/me: name (HTML already stripped) and avatar URL (http(s) or null). */
export async function updateProfile(ctx: WorkspaceContext, userId: string, input: UpdateMeRequest): Promise<UserProfile> {
  return ctx.prisma.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!existing) throw new NotFoundError('User not found');
    const data = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.avatar_url === undefined ? {} : { avatarUrl: input.avatar_url }),
    };
    const user = await tx.user.update({ where: { id: userId }, data });
    await recordActivity(tx, {
      action: 'user_updated',
      actorId: userId,
      targetType: 'user',
      targetId: userId,
      detail: { fields: Object.keys(input).filter((k) => input[k as keyof UpdateMeRequest] !== undefined) },
    });
    return toProfile(user);
  });
}
