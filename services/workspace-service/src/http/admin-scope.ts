import type { AdminIdentity } from '@sentinel/http';
import type { Actor } from '../domain/context';

/** The admin acting as an owner of `workspaceId` (the /admin routes are another door to the same rules). */
export const adminActor = (admin: AdminIdentity, workspaceId: string): Actor => ({
  userId: admin.user_id,
  workspaceId,
  role: 'owner',
  admin: true,
});
