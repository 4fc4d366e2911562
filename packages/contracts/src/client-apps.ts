import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';

/** Client apps: the redirect-URI allowlist of provider login (`/admin/client-apps`, as 0.7). */

/** An absolute http(s) URI without a fragment; stored and compared exactly as given. */
export const redirectUriSchema = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => {
    if (!URL.canParse(value) || value.trim() !== value) return false;
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && !value.includes('#');
  }, 'must be an absolute http(s) URL without a fragment');

const displayNameSchema = z
  .string()
  .max(255)
  .transform((value) => value.replace(/<[^>]*>/g, '').trim())
  .pipe(z.string().min(1, 'must not be empty'));

const redirectUrisSchema = z
  .array(redirectUriSchema)
  .min(1)
  .max(50)
  .transform((uris) => [...new Set(uris)]);

/** POST /admin/client-apps */
export const createClientAppRequestSchema = z.object({ name: displayNameSchema, redirect_uris: redirectUrisSchema });
export type CreateClientAppRequest = z.infer<typeof createClientAppRequestSchema>;

/** PATCH /admin/client-apps/{id}; `revoke_sessions` with a deactivation ends the app's sessions. */
export const updateClientAppRequestSchema = z.object({
  name: displayNameSchema.optional(),
  redirect_uris: redirectUrisSchema.optional(),
  is_active: z.boolean().optional(),
  revoke_sessions: z.boolean().default(false),
});
export type UpdateClientAppRequest = z.infer<typeof updateClientAppRequestSchema>;

export const clientAppSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  redirect_uris: z.array(z.string()),
  is_active: z.boolean(),
  created_by: uuidSchema.nullable(),
  created_at: isoDateTimeSchema,
  updated_at: isoDateTimeSchema,
});
export type ClientAppBody = z.infer<typeof clientAppSchema>;
export const clientAppListSchema = z.array(clientAppSchema);
