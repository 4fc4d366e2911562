import type { Database } from '@sentinel/db';
import { identityHeader, testAdmin } from '@sentinel/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { seedUser, type SeededUser, type Stack } from './support';

/** A user flagged admin, as the gateway would let through to the admin tier. */
export async function seedAdmin(prisma: Database): Promise<SeededUser> {
  const user = await seedUser(prisma, 'Admin');
  await prisma.user.update({ where: { id: user.id }, data: { isAdmin: true } });
  return user;
}

/** The header the gateway forwards for an admin_token of `admin`. */
export const asAdmin = (admin: SeededUser): Record<string, string> =>
  identityHeader({ admin: testAdmin({ user_id: admin.id, email: admin.email, name: admin.name }) });

/** The same app, but pointing at a token-service that is not there (nothing listens on port 9). */
export const appWithoutTokenService = (s: Stack) =>
  createApp({ ...s.ctx.deps, config: loadConfig({ ...s.ctx.env, TOKEN_SERVICE_URL: 'http://127.0.0.1:9' }) });

/** Every activity entry naming `targetId`, oldest first (token-service's included). */
export async function activityFor(prisma: Database, targetId: string) {
  return prisma.activityLog.findMany({
    where: { targetId },
    orderBy: { createdAt: 'asc' },
    select: { action: true, actorId: true, workspaceId: true, detail: true },
  });
}
