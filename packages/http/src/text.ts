import { isUtf8 } from 'node:buffer';
import type { RequestHandler } from 'express';
import { InputError, ValidationError } from './errors';
import type { InputLocation } from './validate';

/**
 * The one text rule for every input (JSON and form bodies, query strings, paths, CSV files):
 * text is well-formed Unicode without NUL. PostgreSQL stores neither U+0000 in text nor a lone
 * surrogate in jsonb, and an unpaired surrogate is not a character anyone can mean. Bytes that are
 * not valid UTF-8 are refused too, rather than silently replaced with U+FFFD (the replacement
 * character itself, sent as such, is ordinary text).
 */
export const ILL_FORMED_TEXT_MESSAGE = 'must be well-formed Unicode text without NUL characters';
// eslint-disable-next-line no-control-regex -- matching U+0000 is the point of this rule
const ILL_FORMED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isWellFormedText = (text: string): boolean => !ILL_FORMED.test(text);

/** UTF-8 without a NUL byte: what a well-formed text arrives as on the wire. */
export const isWellFormedUtf8 = (bytes: Uint8Array): boolean => isUtf8(bytes) && !bytes.includes(0);

type Step = { value: unknown; parent: Step | undefined; key: string | number | undefined };
const pathOf = (step: Step | undefined, key?: string | number): Array<string | number> => {
  const path: Array<string | number> = key === undefined ? [] : [key];
  for (let at = step; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
};

/**
 * Where the first ill-formed string of a parsed value is (a key counts as text too), or
 * undefined. Iterative, so that a deeply nested body cannot overflow the stack.
 */
export function findIllFormedText(value: unknown): Array<string | number> | undefined {
  const stack: Step[] = [{ value, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const current = step.value;
    if (typeof current === 'string') {
      if (!isWellFormedText(current)) return pathOf(step);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) stack.push({ value: current[i], parent: step, key: i });
    } else if (current !== null && typeof current === 'object' && !Buffer.isBuffer(current)) {
      for (const [key, item] of Object.entries(current)) {
        if (!isWellFormedText(key)) return pathOf(step, key);
        stack.push({ value: item, parent: step, key });
      }
    }
  }
  return undefined;
}

/** A 422 naming where the ill-formed text is, in parseInput's shape. */
export function illFormedTextError(where: InputLocation, path: Array<string | number> = []): ValidationError {
  const field = path.map((p) => (isWellFormedText(String(p)) ? p : '?'));
  return new ValidationError(`Invalid ${where}: ${field.join('.') || where} ${ILL_FORMED_TEXT_MESSAGE}`, [
    { loc: [where, ...field], msg: ILL_FORMED_TEXT_MESSAGE, type: 'ill_formed_text' },
  ]);
}

/** Throws the 422 when any string of `value` breaks the text rule. */
export function assertWellFormedText(value: unknown, where: InputLocation): void {
  const path = findIllFormedText(value);
  if (path) throw illFormedTextError(where, path);
}

/**
 * The bytes a percent-encoded string stands for (a `%` not followed by two hex digits stays
 * itself, as the query parser leaves it). The string is what Node gives as the URL or a form
 * body: one character per byte.
 */
export function percentDecodedBytes(encoded: string): Buffer {
  return Buffer.from(
    encoded.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  );
}

/** The first field of a query string (or form body) whose decoded text breaks the rule, by its name. */
export function findIllFormedField(encoded: string): string | undefined {
  for (const field of encoded.split('&')) {
    if (isWellFormedUtf8(percentDecodedBytes(field.replace(/\+/g, ' ')))) continue;
    const name = percentDecodedBytes(field.split('=')[0] ?? '');
    return isWellFormedUtf8(name) ? name.toString('utf8') : '?';
  }
  return undefined;
}

/**
 * The gate for the URL of every request, before any router reads a param or the query: the
 * path and each query field must decode to well-formed UTF-8 without NUL (`%00`, `%FF`,
 * an encoded surrogate `%ED%A0%80` → 422). A path whose percent-encoding is itself broken (`%`
 * without two hex digits) is a 400, as the router answers for a param; in the query such a `%`
 * stays a literal character, as the query parser reads it.
 */
export const wellFormedUrl: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl;
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  if (/%(?![0-9a-fA-F]{2})/.test(path)) return next(new InputError('Malformed URL encoding'));
  if (!isWellFormedUtf8(percentDecodedBytes(path))) return next(illFormedTextError('path'));
  if (queryAt >= 0) {
    const field = findIllFormedField(url.slice(queryAt + 1));
    if (field !== undefined) return next(illFormedTextError('query', [field]));
  }
  next();
};
