import { randomToken, sha256Hex } from '@sentinel/crypto';
import type { Redis } from '@sentinel/redis';
import type { CookieOptions, Request, Response } from 'express';
import { z } from 'zod';
import type { LoginState } from './state';
import { parseStored } from './stored';

export const LINK_COOKIE = 'sentinel_link';

/**
 * A sign-in that may become a linked account once the person proves, in the same browser and
 * the same login flow, that they are the existing user (`reauthenticate` linking). The provider
 * tokens are already encrypted, bound to the social account row the link would create.
 */
export const pendingLinkSchema = z.object({
  /** The existing user the email matched: only a sign-in as this user completes the link. */
  user_id: z.string(),
  provider: z.string(),
  provider_user_id: z.string(),
  account_id: z.string(),
  provider_data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  access_token_encrypted: z.string().nullable(),
  refresh_token_encrypted: z.string().nullable(),
  /** The login flow it belongs to. */
  purpose: z.enum(['user', 'admin']),
  client_app_id: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_challenge: z.string().optional(),
  expires_at: z.number().int(),
});
export type PendingLink = z.infer<typeof pendingLinkSchema>;

export interface PendingLinkStore {
  readonly ttlSeconds: number;
  /** Keeps a link waiting, bound to this browser by a signed, HttpOnly, SameSite=Lax cookie. */
  save(res: Response, link: Omit<PendingLink, 'expires_at'>): Promise<void>;
  /**
   * The browser's pending link, if it has one that has not expired. Spent whatever happens next
   * (single use: GETDEL), and its cookie is cleared.
   */
  take(req: Request, res: Response): Promise<PendingLink | undefined>;
}

/** Redis keeps the link under the hash of the cookie's random id: a dump of Redis opens no link. */
const keyOf = (id: string) => `link-pending:${sha256Hex(id)}`;


/**
 * Over https (COOKIE_SECURE) the cookie is `__Host-` (Secure, Path=/, no Domain): no sibling
 * subdomain can set or overwrite it, so nobody can plant their own pending link in a victim's
 * browser for the victim's next sign-in to complete.
 */
export function linkCookie(cookieSecure: boolean): { name: string; options: CookieOptions } {
  return {
    name: cookieSecure ? `__Host-${LINK_COOKIE}` : LINK_COOKIE,
    options: { httpOnly: true, sameSite: 'lax', secure: cookieSecure, signed: true, path: cookieSecure ? '/' : '/auth' },
  };
}

export function createPendingLinkStore(options: { redis: Redis; cookieSecure: boolean; ttlSeconds: number }): PendingLinkStore {
  const { name, options: cookieOptions } = linkCookie(options.cookieSecure);
  return {
    ttlSeconds: options.ttlSeconds,
    async save(res, link) {
      const id = randomToken(32);
      const record: PendingLink = { ...link, expires_at: Date.now() + options.ttlSeconds * 1000 };
      await options.redis.set(keyOf(id), JSON.stringify(record), 'EX', options.ttlSeconds);
      res.cookie(name, id, { ...cookieOptions, maxAge: options.ttlSeconds * 1000 });
    },
    async take(req, res) {
      const id: unknown = (req.signedCookies as Record<string, unknown> | undefined)?.[name];
      if (id === undefined) return undefined;
      res.clearCookie(name, cookieOptions);
      // A cookie whose signature does not verify reads as false.
      if (typeof id !== 'string' || id === '') return undefined;
      const link = parseStored(pendingLinkSchema, await options.redis.getdel(keyOf(id)));
      return link && link.expires_at > Date.now() ? link : undefined;
    },
  };
}

/** The pending link belongs to this login: same purpose and, for apps, the same client flow. */
export function continuesLogin(link: PendingLink, login: LoginState): boolean {
  if (link.purpose !== login.purpose) return false;
  if (login.purpose === 'admin') return true;
  return (
    link.client_app_id !== undefined &&
    link.client_app_id === login.client_app_id &&
    link.redirect_uri === login.redirect_uri &&
    link.code_challenge === login.code_challenge
  );
}
