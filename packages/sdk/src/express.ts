import { SentinelError } from './errors';
import type { TokenVerifier } from './tokens';
import type { WorkspaceRole } from './types';
import type { AuthenticatedUser } from './user';

declare global {
  // `req.user` in Express, typed. Declared exactly as @types/passport does, so both can coexist.
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's types are extended only through this namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged with passport's empty User
    interface User extends AuthenticatedUser {}
    interface Request {
      user?: User | undefined;
    }
  }
}

/**
 * The few members of Express's request and response the middleware uses, so the SDK depends on
 * no version of Express (4, 5 or anything Connect-like works).
 */
export interface RequestLike {
  headers: { authorization?: string | undefined };
  user?: AuthenticatedUser | undefined;
}
export interface ResponseLike {
  status(code: number): { json(body: unknown): unknown };
}
export type Middleware = (req: RequestLike, res: ResponseLike, next: (err?: unknown) => void) => void;

export interface RequireUserOptions {
  /** Only users of these workspace ids are let in; others get 403 (0.7's `allowed_workspaces`). */
  allowedWorkspaces?: Iterable<string>;
}

const BEARER = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/i;

function answer(res: ResponseLike, next: (err?: unknown) => void, err: unknown): void {
  if (err instanceof SentinelError) res.status(err.status).json({ detail: err.detail });
  else next(err);
}

/**
 * Express middleware: verifies the bearer token and sets `req.user`; answers 401 with 0.7's
 * messages (503 when Sentinel's keys or denylist cannot be reached).
 */
export function requireUser(verifier: TokenVerifier, options: RequireUserOptions = {}): Middleware {
  const allowed = options.allowedWorkspaces ? new Set(options.allowedWorkspaces) : undefined;
  return (req, res, next) => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match?.[1]) {
      res.status(401).json({ detail: 'Missing or invalid Authorization header' });
      return;
    }
    verifier.verifyAccessToken(match[1]).then(
      (user) => {
        if (allowed && !allowed.has(user.workspace_id)) {
          res.status(403).json({ detail: 'Workspace not permitted for this service' });
          return;
        }
        req.user = user;
        next();
      },
      (err: unknown) => answer(res, next, err),
    );
  };
}

/** Express middleware after requireUser: 403 unless the user's workspace role is at least `minimum`. */
export function requireRole(minimum: WorkspaceRole): Middleware {
  return (req, res, next) => {
    const user = req.user;
    if (!user) {
      res.status(401).json({ detail: 'Not authenticated' });
      return;
    }
    if (!user.hasRole(minimum)) {
      res.status(403).json({ detail: `Requires at least '${minimum}' role, you have '${user.workspace_role}'` });
      return;
    }
    next();
  };
}
