import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';

/**
 * Service apps (`X-Service-Key`). Shapes follow Sentinel Auth 0.7's `/admin/service-apps`; the
 * key itself (`api_key`) appears only in the answers to create and rotate-key.
 */

/** A `service_name` as the permission API accepts it (0.7's own pattern is a subset of this one). */
export const serviceNameSchema = z
  .string()
  .max(255)
  .regex(/^[a-z][a-z0-9_.-]*$/, 'must match ^[a-z][a-z0-9_.-]*$');

/** Names are stored with HTML stripped (docs/api.md); what remains must not be empty. */
const displayNameSchema = z
  .string()
  .max(255)
  .transform((value) => value.replace(/<[^>]*>/g, '').trim())
  .pipe(z.string().min(1, 'must not be empty'));

/** The longest overlap a rotation may give the previous key (7 days). */
export const MAX_KEY_OVERLAP_SECONDS = 7 * 24 * 3600;

/** POST /admin/service-apps */
export const createServiceAppRequestSchema = z.object({ name: displayNameSchema, service_name: serviceNameSchema });
export type CreateServiceAppRequest = z.infer<typeof createServiceAppRequestSchema>;

/** PATCH /admin/service-apps/{id} */
export const updateServiceAppRequestSchema = z.object({
  name: displayNameSchema.optional(),
  is_active: z.boolean().optional(),
});
export type UpdateServiceAppRequest = z.infer<typeof updateServiceAppRequestSchema>;

/**
 * POST /admin/service-apps/{id}/rotate-key (body optional). (+) `overlap_seconds`: how long the
 * previous key keeps working; 0 (the default, as 0.7) refuses it at once.
 */
export const rotateServiceKeyRequestSchema = z.object({
  overlap_seconds: z.number().int().min(0).max(MAX_KEY_OVERLAP_SECONDS).default(0),
});
export type RotateServiceKeyRequest = z.infer<typeof rotateServiceKeyRequestSchema>;

/** One service app as every admin answer shows it: never the key, never a hash. */
export const serviceAppSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  service_name: z.string(),
  /** The key's public beginning (`sk_` + its lookup prefix); the rest is never shown again. */
  key_prefix: z.string(),
  is_active: z.boolean(),
  last_used_at: isoDateTimeSchema.nullable(),
  created_by: uuidSchema.nullable(),
  created_at: isoDateTimeSchema,
  updated_at: isoDateTimeSchema,
});
export type ServiceAppBody = z.infer<typeof serviceAppSchema>;

/** GET /admin/service-apps: a plain array, as 0.7. */
export const serviceAppListSchema = z.array(serviceAppSchema);

/** Create (201) and rotate-key (200): the app plus its new key, shown this once. */
export const serviceAppWithKeySchema = serviceAppSchema.extend({ api_key: z.string() });
export type ServiceAppWithKeyBody = z.infer<typeof serviceAppWithKeySchema>;

/** POST /internal/service-keys/verify (gateway only). */
export const verifyServiceKeyRequestSchema = z.object({ key: z.string().max(1024) });
export const verifyServiceKeyResponseSchema = z.object({ app_id: uuidSchema, service_name: z.string() });
export type VerifyServiceKeyResponse = z.infer<typeof verifyServiceKeyResponseSchema>;

/**
 * Redis pub/sub channel on which token-service announces that service keys stopped (or may have
 * stopped) being valid, so that every gateway replica drops them from its in-process cache.
 * ioredis' keyPrefix does not apply to channels: use serviceKeyInvalidationChannel(prefix).
 */
export const SERVICE_KEY_INVALIDATION_CHANNEL = 'service-keys:invalidated';

export function serviceKeyInvalidationChannel(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}${SERVICE_KEY_INVALIDATION_CHANNEL}`;
}

/**
 * One message on that channel (JSON). Drop every cached key of `app_id`, whatever its prefix;
 * `key_prefixes` names the keys (`sk_…` lookup prefixes) that were valid before the change.
 */
export const serviceKeyInvalidationSchema = z.object({
  app_id: uuidSchema,
  key_prefixes: z.array(z.string()),
  reason: z.enum(['updated', 'rotated', 'deleted']),
});
export type ServiceKeyInvalidation = z.infer<typeof serviceKeyInvalidationSchema>;
