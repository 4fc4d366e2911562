import { z } from 'zod';
import { clientInstantSchema, isoDateTimeSchema, uuidSchema } from './common';
import { pageQuerySchema, pageSchema } from './pagination';

/** Admin API: the activity log (0.7 contract §2.7 "Dashboard and system"), its export (+). */

/** An ISO 8601 date (`2026-11-23`, UTC) or date-time with an offset; a date alone covers that whole day. */
const dateBound = (end: 'start' | 'end') => clientInstantSchema({ endOfDay: end === 'end' });

/** The filters of GET /admin/activity and of its export. */
export const activityFilterSchema = z.object({
  action: z.string().min(1).max(100).optional(),
  target_type: z.string().min(1).max(100).optional(),
  workspace_id: uuidSchema.optional(),
  actor_id: uuidSchema.optional(),
  from_date: dateBound('start').optional(),
  to_date: dateBound('end').optional(),
});
export type ActivityFilter = z.infer<typeof activityFilterSchema>;

export const activityQuerySchema = pageQuerySchema.extend(activityFilterSchema.shape);

/** GET /admin/activity/export?format=csv|json (+): the same filters, newest first, bounded. */
export const activityExportQuerySchema = activityFilterSchema.extend({ format: z.enum(['csv', 'json']).default('csv') });

export const activityItemSchema = z.object({
  id: uuidSchema,
  action: z.string(),
  actor_id: uuidSchema.nullable(),
  actor_name: z.string().nullable(),
  actor_email: z.string().nullable(),
  target_type: z.string().nullable(),
  target_id: uuidSchema.nullable(),
  workspace_id: uuidSchema.nullable(),
  detail: z.unknown().nullable(),
  created_at: isoDateTimeSchema,
});
export type ActivityItem = z.infer<typeof activityItemSchema>;
export const activityPageSchema = pageSchema(activityItemSchema);

/** The JSON export: `truncated` says whether more than `limit` entries matched. */
export const activityExportSchema = z.object({
  items: z.array(activityItemSchema),
  total: z.number().int().min(0),
  limit: z.number().int().min(1),
  truncated: z.boolean(),
});
