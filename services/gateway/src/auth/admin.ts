import type { Database } from '@sentinel/db';
import { AuthenticationError, HttpError, NotAllowedError, outageError, type AdminIdentity } from '@sentinel/http';
import type { AdminClaims } from './jwt';

export const ADMIN_COOKIE = 'admin_token';
export const NOT_AN_ADMIN = 'Not an admin';
export const MISSING_REQUESTED_WITH = 'X-Requested-With header required';
const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The value of one cookie in a Cookie header, without parsing the others. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The admin panel's CSRF rule (0.7): every mutation carries X-Requested-With, any value. */
export function requireRequestedWith(method: string, header: string | string[] | undefined): void {
  if (MUTATIONS.has(method) && (header === undefined || header === '')) throw new NotAllowedError(MISSING_REQUESTED_WITH);
}

/**
 * The admin token's holder must still be an active admin *now* (0.7 kept honouring a demoted
 * admin's cookie for its whole hour). One indexed read per admin request, no cache: clearing
 * users.is_admin or users.is_active ends the admin session on the very next request, whoever
 * changed the row and however. Admin traffic is a person clicking through a panel, so this costs
 * nothing that matters. ADMIN_EMAILS is not consulted here: auth-service turns it into
 * users.is_admin at login, and a demotion must win over it afterwards.
 */
export async function currentAdmin(prisma: Database, claims: AdminClaims): Promise<AdminIdentity> {
  let user: { email: string; name: string; isActive: boolean; isAdmin: boolean } | null;
  try {
    user = await prisma.user.findUnique({
      where: { id: claims.sub },
      select: { email: true, name: true, isActive: true, isAdmin: true },
    });
  } catch (err) {
    throw outageError(err) ?? new HttpError('unavailable', 'Service unavailable');
  }
  if (!user) throw new AuthenticationError('Not authenticated');
  if (!user.isActive || !user.isAdmin) throw new NotAllowedError(NOT_AN_ADMIN);
  return { user_id: claims.sub, email: user.email, name: user.name, token_id: claims.jti, token_expires_at: claims.exp };
}
