import { z } from 'zod';

/** Every error body: `{"detail": …}`; validation errors add `errors`. */
export const errorBodySchema = z.object({
  detail: z.string(),
  errors: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })).optional(),
});

export const healthSchema = z.object({ status: z.literal('ok') });

/**
 * A UUID, in any case, normalized to lower case: ids compare equal however a client spelled them
 * (PostgreSQL does; a string comparison against a token's `wid` would not).
 */
export const uuidSchema = z.uuid().toLowerCase();
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
export const workspaceRoleSchema = z.enum(['viewer', 'editor', 'admin', 'owner']);
