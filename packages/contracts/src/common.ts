import { z } from 'zod';

/** Every error body: `{"detail": …}`; validation errors add `errors`. */
export const errorBodySchema = z.object({
  detail: z.string(),
  errors: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })).optional(),
});

export const healthSchema = z.object({ status: z.literal('ok') });

export const uuidSchema = z.uuid();
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
export const workspaceRoleSchema = z.enum(['viewer', 'editor', 'admin', 'owner']);
