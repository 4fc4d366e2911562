import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema, workspaceRoleSchema } from './common';

/**
 * Users, workspaces, members, invitations and groups (docs/api.md "Users and workspaces"). Shapes
 * follow Sentinel Auth 0.7 (the reference guide "Sentinel Auth 0.7 — the HTTP contract in detail",
 * §2.2–2.4: Users, Workspaces and members, Groups).
 */

/**
 * Text with HTML removed, for names and descriptions (docs/api.md: "stored with HTML stripped"):
 * comments, script/style elements with their content, every tag, and then any `<` or `>` left
 * over (an unclosed `<img src=x onerror=…` keeps no angle bracket a browser could act on).
 */
export function stripHtml(value: string): string {
  return value
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(/<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, '')
    .replace(/<\/?[a-zA-Z!?/][^>]*(?:>|$)/g, '')
    .replace(/[<>]/g, '')
    .trim();
}

/** A name: HTML stripped, then 1..255 characters. */
export const displayNameSchema = z
  .string()
  .max(1000)
  .transform(stripHtml)
  .pipe(z.string().min(1, 'must not be empty').max(255));

/** A description: HTML stripped, at most 2000 characters; empty or null clears it. */
const descriptionSchema = z
  .string()
  .max(10_000)
  .transform(stripHtml)
  .pipe(z.string().max(2000))
  .transform((v) => (v === '' ? null : v))
  .nullable();

/** URLs must be http(s) (docs/api.md); 0.7 silently dropped others, we refuse them. */
const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;
const slugSchema = z.string().max(100).regex(SLUG_PATTERN, 'must match ^[a-z0-9][a-z0-9-]*[a-z0-9]$');

/** Emails are normalised to lower case. */
export const emailSchema = z
  .string()
  .trim()
  .max(320)
  .transform((v) => v.toLowerCase())
  .pipe(z.email());

// --- users ---------------------------------------------------------------------------------

/** PATCH /users/me. Other fields (email, is_active) are ignored, as 0.7 ignored them. */
export const updateMeRequestSchema = z.object({
  name: displayNameSchema.optional(),
  avatar_url: httpUrlSchema.nullable().optional(),
});
export type UpdateMeRequest = z.infer<typeof updateMeRequestSchema>;

// --- workspaces ----------------------------------------------------------------------------

export const createWorkspaceRequestSchema = z.object({
  name: displayNameSchema,
  slug: slugSchema,
  description: descriptionSchema.optional(),
});
export type CreateWorkspaceRequest = z.infer<typeof createWorkspaceRequestSchema>;

export const updateWorkspaceRequestSchema = z.object({
  name: displayNameSchema.optional(),
  description: descriptionSchema.optional(),
});
export type UpdateWorkspaceRequest = z.infer<typeof updateWorkspaceRequestSchema>;

export const workspaceSchema = z.object({
  id: uuidSchema,
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  created_by: uuidSchema.nullable(),
  created_at: isoDateTimeSchema,
});
export type WorkspaceResponse = z.infer<typeof workspaceSchema>;
export const workspaceListSchema = z.array(workspaceSchema);

// --- members and invitations ---------------------------------------------------------------

/** GET /workspaces/{id}/members?q=&limit= */
export const memberSearchQuerySchema = z.object({
  q: z.string().max(255).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const memberSchema = z.object({
  user_id: uuidSchema,
  email: z.string(),
  name: z.string(),
  avatar_url: z.string().nullable(),
  role: workspaceRoleSchema,
  joined_at: isoDateTimeSchema,
});
export type MemberResponse = z.infer<typeof memberSchema>;
export const memberListSchema = z.array(memberSchema);

export const inviteMemberRequestSchema = z.object({
  email: emailSchema,
  role: workspaceRoleSchema.default('viewer'),
});
export type InviteMemberRequest = z.infer<typeof inviteMemberRequestSchema>;

export const invitationSchema = z.object({
  invitation_id: uuidSchema,
  email: z.string(),
  role: workspaceRoleSchema,
  status: z.literal('pending'),
  expires_at: isoDateTimeSchema,
});
export type InvitationResponse = z.infer<typeof invitationSchema>;
export const invitationListSchema = z.array(invitationSchema);

export const updateMemberRequestSchema = z.object({ role: workspaceRoleSchema });

// --- groups --------------------------------------------------------------------------------

export const createGroupRequestSchema = z.object({
  name: displayNameSchema,
  description: descriptionSchema.optional(),
});
export const updateGroupRequestSchema = z.object({
  name: displayNameSchema.optional(),
  description: descriptionSchema.optional(),
});

export const groupSchema = z.object({
  id: uuidSchema,
  workspace_id: uuidSchema,
  name: z.string(),
  description: z.string().nullable(),
  created_by: uuidSchema.nullable(),
  created_at: isoDateTimeSchema,
});
export type GroupResponse = z.infer<typeof groupSchema>;
export const groupListSchema = z.array(groupSchema);

export const groupMemberSchema = z.object({
  user_id: uuidSchema,
  email: z.string(),
  name: z.string(),
  added_at: isoDateTimeSchema,
});
export const groupMemberListSchema = z.array(groupMemberSchema);

export const groupMemberAddedSchema = z.object({ status: z.literal('ok') });
