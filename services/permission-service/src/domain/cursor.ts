import { ValidationError } from '@sentinel/http';
import { z } from 'zod';

/**
 * The accessible list's cursor: opaque to clients, it holds the last resource id of the page
 * (lists are ordered by resource id, so the next page starts strictly after it).
 */
const payloadSchema = z.object({ v: z.literal(1), after: z.uuid() });

export function encodeCursor(afterResourceId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: afterResourceId })).toString('base64url');
}

/** The resource id a cursor continues after; a cursor we did not issue is a 422. */
export function decodeCursor(cursor: string): string {
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data.after;
  } catch {
    // not JSON: fall through to the same answer as any other foreign cursor
  }
  throw new ValidationError('Invalid body: cursor is not a cursor this service issued', [
    { loc: ['body', 'cursor'], msg: 'invalid cursor', type: 'invalid_cursor' },
  ]);
}
