import type { z } from 'zod';
import { ValidationError, type FieldProblem } from './errors';
import { assertWellFormedText } from './text';

export type InputLocation = 'body' | 'query' | 'path' | 'header';

/**
 * Parses client input through its schema, or throws a 422 that names every field problem
 * (FastAPI's `loc`/`msg`/`type` shape, which Sentinel Auth clients already understand). Every
 * string must pass the text rule first (text.ts), whatever the schema says.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: InputLocation): z.infer<S> {
  assertWellFormedText(value, where);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldProblem[] = result.error.issues.map((issue) => ({
    loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    msg: issue.message,
    type: issue.code,
  }));
  const first = errors[0];
  const detail = first ? `Invalid ${where}: ${first.loc.slice(1).join('.') || where} ${first.msg}` : `Invalid ${where}`;
  throw new ValidationError(detail, errors);
}
