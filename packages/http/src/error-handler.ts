import type { ErrorRequestHandler, RequestHandler } from 'express';
import { MALFORMED_TEXT_DETAIL, MALFORMED_TEXT_TYPE } from './body';
import { HttpError, NotFoundError, STATUS_BY_CODE, type ErrorCode } from './errors';

/** body-parser and friends mark client mistakes with a `type`; map those we know. */
const CLIENT_ERROR_TYPES: Record<string, { code: ErrorCode; detail: string }> = {
  'entity.parse.failed': { code: 'validation', detail: 'Malformed JSON body' },
  'entity.too.large': { code: 'payload_too_large', detail: 'Request body too large' },
  'encoding.unsupported': { code: 'unsupported_media_type', detail: 'Unsupported content encoding' },
  'charset.unsupported': { code: 'unsupported_media_type', detail: 'Unsupported charset' },
  'request.size.invalid': { code: 'input', detail: 'Request size did not match Content-Length' },
  'request.aborted': { code: 'input', detail: 'Request aborted' },
  'parameters.too.many': { code: 'payload_too_large', detail: 'Too many form parameters' },
  'querystring.parse.rangeError': { code: 'validation', detail: 'Form body nested too deeply' },
  [MALFORMED_TEXT_TYPE]: { code: 'validation', detail: MALFORMED_TEXT_DETAIL },
};

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  // The router cannot decode a param with a broken percent-encoding (`/workspaces/%/members`).
  if (err instanceof URIError) return new HttpError('input', 'Malformed URL encoding');
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type === 'string') {
    const known = CLIENT_ERROR_TYPES[type];
    if (known) return new HttpError(known.code, known.detail);
  }
  // body-parser passes a stream's own failure on as a bare 400 with no `type`: zlib's, when the
  // body is not in its Content-Encoding (gzip, br, deflate).
  if (type === undefined && (err as { status?: unknown } | null)?.status === 400) {
    return new HttpError('validation', 'Malformed body: it does not match its Content-Encoding');
  }
  return undefined;
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/**
 * The one error middleware: `{"detail": …}` with the status of the error's code; anything
 * unexpected is logged and answered with a generic 500 — never a stack or an internal message.
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const known = toHttpError(err);
  if (res.headersSent) {
    req.log.error({ err }, 'error after the response started');
    res.destroy();
    return;
  }
  if (!known) {
    req.log.error({ err }, 'unhandled error');
    res.status(500).json({ detail: 'Internal server error' });
    return;
  }
  const status = STATUS_BY_CODE[known.code];
  if (status >= 500) req.log.error({ err }, known.detail);
  for (const [name, value] of Object.entries(known.extra.headers ?? {})) res.setHeader(name, value);
  res.status(status).json(known.extra.errors ? { detail: known.detail, errors: known.extra.errors } : { detail: known.detail });
};
