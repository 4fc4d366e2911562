import { HttpError, InputError } from '@sentinel/http';

/**
 * The content of one file field of a multipart/form-data body (RFC 7578), already read in full
 * (the body limit bounds it). Small and dependency-free: the CSV import is its only user.
 */
export function multipartFile(body: unknown, contentType: string | undefined, field: string): Buffer {
  const boundary = /^multipart\/form-data\s*;.*?\bboundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  if (!boundary || !Buffer.isBuffer(body)) throw new HttpError('unsupported_media_type', 'Expected a multipart/form-data body');
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const next = Buffer.from(`\r\n${delimiter}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const after = at + delimiter.length;
    if (body.toString('latin1', after, after + 2) === '--') break; // the closing delimiter
    const headersEnd = body.indexOf('\r\n\r\n', after);
    if (headersEnd < 0) break;
    const headers = body.toString('utf8', after, headersEnd);
    const start = headersEnd + 4;
    const end = body.indexOf(next, start);
    if (end < 0) break;
    const name = /^content-disposition:\s*form-data\b[^\r\n]*?;\s*name="([^"]*)"/im.exec(headers)?.[1];
    if (name === field) return body.subarray(start, end);
    at = end + 2;
  }
  throw new InputError(`Malformed multipart body or no "${field}" field`);
}
