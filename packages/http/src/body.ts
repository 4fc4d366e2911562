import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { assertWellFormedText, findIllFormedField, ILL_FORMED_TEXT_MESSAGE, isWellFormedUtf8 } from './text';

/** body-parser keeps the `type` of an error thrown by `verify`; the error handler maps it to this 422. */
export const MALFORMED_TEXT_TYPE = 'entity.text.malformed';
export const MALFORMED_TEXT_DETAIL = `Invalid body: body ${ILL_FORMED_TEXT_MESSAGE}, in valid UTF-8`;

const malformed = (message: string) => Object.assign(new Error(message), { type: MALFORMED_TEXT_TYPE });

const utf8 = (encoding: string) => encoding.toLowerCase() === 'utf-8';

/**
 * The parsers every service reads bodies with (never express.json or express.urlencoded
 * directly): the raw bytes must be UTF-8 (no U+FFFD substitution), and once parsed, every
 * string and key must pass the text rule (no NUL, no lone surrogate from a `\ud800` escape).
 */
function checked(parser: RequestHandler): RequestHandler {
  return (req, res, next) => {
    parser(req, res, (err?: unknown) => {
      if (err !== undefined) return next(err);
      try {
        assertWellFormedText(req.body, 'body');
      } catch (failure) {
        return next(failure);
      }
      next();
    });
  };
}

/** JSON bodies (docs/api.md: JSON in and out). */
export function jsonBody(options: { limit: string }): RequestHandler {
  return checked(
    express.json({
      limit: options.limit,
      verify: (_req: IncomingMessage, _res, bytes: Buffer, encoding: string) => {
        if (utf8(encoding) && !isWellFormedUtf8(bytes)) throw malformed('Body is not well-formed UTF-8 text');
      },
    }),
  );
}

/** application/x-www-form-urlencoded bodies (RFC 7009/7662 clients, the dev login form). */
export function formBody(options: { limit: string }): RequestHandler {
  return checked(
    express.urlencoded({
      extended: false,
      limit: options.limit,
      verify: (_req: IncomingMessage, _res, bytes: Buffer, encoding: string) => {
        // Checked before decoding: the form parser turns bad %XX sequences into U+FFFD or keeps them.
        if (utf8(encoding) && findIllFormedField(bytes.toString('latin1')) !== undefined) throw malformed('Form field is not well-formed text');
      },
    }),
  );
}

