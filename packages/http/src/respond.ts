import type { Response } from 'express';
import type { z } from 'zod';

/**
 * Sends `body` after parsing it through the response schema: undeclared fields (a hash, a
 * secret) are stripped, and a body that breaks the contract is a server error, not a leak.
 */
export function respond<S extends z.ZodType>(res: Response, schema: S, body: z.input<S>, status = 200): void {
  res.status(status).json(schema.parse(body));
}
