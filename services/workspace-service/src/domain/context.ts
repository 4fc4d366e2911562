import type { Database } from '@sentinel/db';
import type { Logger, WorkspaceRole } from '@sentinel/http';

/** Ends every session of these users (token-service's revoke-sessions, one call for all of them). */
export interface SessionRevoker {
  /** Resolves to the number of refresh families (sessions) it ended. */
  revoke(userIds: string[], reason: string, actorId: string | null): Promise<number>;
}

/** What the domain functions work with; built once in app.ts. */
export interface WorkspaceContext {
  prisma: Database;
  sessions: SessionRevoker;
  logger: Logger;
}

/** The caller, as the gateway verified them: `role` is their token's role in `workspaceId`. */
export interface Actor {
  userId: string;
  workspaceId: string;
  role: WorkspaceRole;
  /**
   * A Sentinel admin acting through the /admin routes: acts as an owner of `workspaceId` without
   * needing a membership there (the gateway checked they are still an active admin).
   */
  admin?: true;
}
