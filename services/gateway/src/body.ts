import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '@sentinel/http';
import type { RequestHandler } from 'express';

const TOO_LARGE = 'Request body too large';
const isCsvImport = (path: string) => path.startsWith('/admin/import/csv/');

/** Set on a request whose body has no Content-Length: the limit its streamed bytes must keep. */
export const STREAMED_BODY_LIMIT = Symbol('sentinel.streamedBodyLimit');
type LimitedRequest = IncomingMessage & { [STREAMED_BODY_LIMIT]?: number };

/**
 * Request body limits, enforced before anything is forwarded (the gateway never parses bodies):
 * a declared Content-Length over the limit is a 413 at once. A body without one (chunked) is
 * counted as it streams to the upstream (countStreamedBody), and cut off with a 413 as it passes
 * the limit.
 */
export function bodyLimit(limits: { default: number; csvImport: number }): RequestHandler {
  return (req, _res, next) => {
    const limit = isCsvImport(req.path) ? limits.csvImport : limits.default;
    const declared = req.headers['content-length'];
    if (declared !== undefined) {
      const length = Number(declared);
      if (!/^\d+$/.test(declared) || !Number.isSafeInteger(length)) return next(new HttpError('input', 'Invalid Content-Length'));
      if (length > limit) return next(new HttpError('payload_too_large', TOO_LARGE));
    } else if (req.headers['transfer-encoding'] !== undefined) {
      (req as LimitedRequest)[STREAMED_BODY_LIMIT] = limit;
    }
    next();
  };
}

/**
 * Called as the proxy request is created, right before the body is piped into it (so that no
 * chunk is missed): counts the streamed bytes and answers 413 once they pass the limit.
 */
export function countStreamedBody(req: IncomingMessage, res: ServerResponse, proxyReq: ClientRequest): void {
  const limit = (req as LimitedRequest)[STREAMED_BODY_LIMIT];
  if (limit === undefined) return;
  let received = 0;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limit) return;
    req.off('data', count);
    req.unpipe(proxyReq);
    proxyReq.destroy();
    if (!res.headersSent) {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ detail: TOO_LARGE }));
    }
  };
  req.on('data', count);
}
