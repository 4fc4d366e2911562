import type { Database } from '@sentinel/db';
import type { Logger, WorkspaceRole } from '@sentinel/http';

/** Ends every session of a user (token-service's revoke-sessions). */
export interface SessionRevoker {
  revoke(userId: string, reason: string, actorId: string | null): Promise<void>;
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
}
