import { z } from 'zod';
import { WORKSPACE_ROLES } from './workspace-roles';

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

/** Instants a client may send: years 1 to 9999 UTC (PostgreSQL has no year 0, and ISO 8601 dates have four digits). */
export const MIN_INSTANT = new Date('0001-01-01T00:00:00.000Z');
export const MAX_INSTANT = new Date('9999-12-31T23:59:59.999Z');

/**
 * The one way to read a date or date-time a client sent (a `Date`): an ISO 8601 date (UTC) or
 * date-time with an offset, within MIN_INSTANT..MAX_INSTANT after the offset is applied, so
 * that no client instant reaches the database out of its range. `endOfDay` makes a date alone
 * mean the last millisecond of that day.
 */
export const clientInstantSchema = ({ endOfDay = false } = {}) =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .transform((v) => {
      const date = new Date(v);
      return endOfDay && v.length === 10 ? new Date(date.getTime() + 24 * 3600 * 1000 - 1) : date;
    })
    .refine((d) => d >= MIN_INSTANT && d <= MAX_INSTANT, 'must be between 0001-01-01 and 9999-12-31 (UTC)');
export const workspaceRoleSchema = z.enum(WORKSPACE_ROLES);
