import { z } from 'zod';
import { uuidSchema, workspaceRoleSchema } from './common';

/**
 * Provider login (auth-service): `/auth/providers`, `/auth/login/{provider}`,
 * `/auth/workspaces`, `/auth/token`, `/auth/admin/me`.
 */

export const providersResponseSchema = z.object({ providers: z.array(z.string()) });

/** A PKCE code challenge or verifier: RFC 7636's unreserved characters. */
const pkceString = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9._~-]+$/, 'must use only A-Z a-z 0-9 - . _ ~');

/** GET /auth/login/{provider} query. The method is checked apart: anything but S256 is refused. */
export const loginQuerySchema = z.object({
  redirect_uri: z.string().min(1).max(2048),
  code_challenge: pkceString(43, 128),
  code_challenge_method: z.string().max(20).default('S256'),
});
export type LoginQuery = z.infer<typeof loginQuerySchema>;

/** GET /auth/workspaces query. */
export const workspacesQuerySchema = z.object({ code: z.string().min(1).max(200) });

export const loginWorkspaceSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  slug: z.string(),
  role: workspaceRoleSchema,
});
export const loginWorkspacesResponseSchema = z.array(loginWorkspaceSchema);

/** POST /auth/token */
export const codeExchangeRequestSchema = z.object({
  code: z.string().min(1).max(200),
  workspace_id: uuidSchema,
  code_verifier: pkceString(43, 128),
});
export type CodeExchangeRequest = z.infer<typeof codeExchangeRequestSchema>;

/** GET /auth/admin/me */
export const adminMeResponseSchema = z.object({ id: uuidSchema, email: z.string(), name: z.string() });
