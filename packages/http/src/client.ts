import { HttpError, STATUS_BY_CODE, type ErrorCode } from './errors';
import { INTERNAL_IDENTITY_HEADER, mintInternalToken, type Caller, type Identity } from './identity';
import { REQUEST_ID_HEADER } from './logging';

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  (Object.entries(STATUS_BY_CODE) as Array<[ErrorCode, number]>).map(([code, status]) => [status, code]),
);

export interface ServiceClientOptions {
  baseUrl: string;
  secret: string;
  /** Who is calling: sent as the internal identity's `caller`. */
  caller: Caller;
  timeoutMs?: number;
}

export interface ServiceCall {
  /** Acting for this identity (its user, service, admin), besides the caller itself. */
  identity?: Identity;
  requestId?: string;
}

/**
 * HTTP between our own services: the same internal identity the gateway sends, a bounded wait,
 * and the callee's 4xx answers re-raised as HttpErrors with the callee's detail (so a 403 from
 * token-service stays a 403 for the client). Anything else is a 502/503.
 */
export function createServiceClient(options: ServiceClientOptions) {
  async function call<T>(method: string, path: string, body: unknown, opts: ServiceCall = {}): Promise<T> {
    const headers: Record<string, string> = {
      [INTERNAL_IDENTITY_HEADER]: mintInternalToken(options.secret, { ...opts.identity, caller: options.caller }),
    };
    if (opts.requestId) headers[REQUEST_ID_HEADER] = opts.requestId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(new URL(path, options.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch {
      throw new HttpError('unavailable', 'Service unavailable');
    }
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (res.ok) return parsed as T;
    const detail =
      typeof parsed === 'object' && parsed !== null && 'detail' in parsed && typeof parsed.detail === 'string'
        ? parsed.detail
        : res.statusText;
    const code = res.status < 500 ? CODE_BY_STATUS.get(res.status) : undefined;
    throw new HttpError(code ?? 'bad_gateway', code ? detail : 'Upstream service error');
  }
  return {
    get: <T>(path: string, opts?: ServiceCall) => call<T>('GET', path, undefined, opts),
    post: <T>(path: string, body: unknown, opts?: ServiceCall) => call<T>('POST', path, body, opts),
    delete: <T>(path: string, opts?: ServiceCall) => call<T>('DELETE', path, undefined, opts),
  };
}

export type ServiceClient = ReturnType<typeof createServiceClient>;
