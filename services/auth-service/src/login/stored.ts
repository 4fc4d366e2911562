import type { z } from 'zod';

/**
 * A record this service kept in Redis as JSON, read back through its schema: undefined when it
 * is missing or is not (any more) of that shape.
 */
export function parseStored<S extends z.ZodType>(schema: S, raw: string | null): z.infer<S> | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
