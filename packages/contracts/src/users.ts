import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';

/** GET/PATCH /users/me. */
export const userProfileSchema = z.object({
  id: uuidSchema,
  email: z.string(),
  name: z.string(),
  avatar_url: z.string().nullable(),
  is_active: z.boolean(),
  created_at: isoDateTimeSchema,
});
export type UserProfile = z.infer<typeof userProfileSchema>;
