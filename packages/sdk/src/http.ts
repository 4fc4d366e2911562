import { SentinelError } from './errors';

/** Transport settings shared by every client of the SDK. */
export interface HttpOptions {
  /** Replaces the global `fetch` (tests, proxies, instrumentation). */
  fetch?: typeof fetch;
  /** Per attempt; a call that times out is not retried (it may have been processed). Default 5000. */
  timeoutMs?: number;
  /** Retries after the first attempt (see `retryable`). Default 2. */
  retries?: number;
  /** First backoff delay; each retry doubles it, with jitter. Default 100. */
  retryBaseMs?: number;
}

/**
 * When a call may be sent again:
 * - `always`: the call changes nothing or is idempotent (checks, register, share, visibility):
 *   retried on 502, 503 and a refused connection.
 * - `unprocessed`: a repeat would answer differently (unshare and deregister answer 404 the
 *   second time): retried only when the request surely was not processed — 503 (the gateway
 *   could not reach the service) or a refused connection — never on 502 or 504, which the
 *   gateway answers when the service broke or timed out mid-request (the outcome is unknown).
 */
export type Retryable = 'always' | 'unprocessed';

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  retryable: Retryable;
}

export type Send = <T>(call: Call) => Promise<T>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `ECONNREFUSED` from Node's fetch: nothing listened, so nothing was processed. */
function connectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

async function detailOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
    if (body.detail !== undefined) return JSON.stringify(body.detail);
  } catch {
    // Not JSON (a proxy's error page): fall back to the status text.
  }
  return res.statusText || `HTTP ${res.status}`;
}

/** JSON over HTTP to `baseUrl` with timeouts, typed errors and backoff on 502/503 only. */
export function createSend(baseUrl: string, options: HttpOptions = {}): Send {
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retries = options.retries ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 100;

  // Paths are joined to the base, so a gateway mounted under a prefix (https://host/sentinel) works.
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;

  return async function send<T>(call: Call): Promise<T> {
    const url = new URL(call.path.replace(/^\//, ''), base);
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < retries;
      const backoff = () => sleep(retryBaseMs * 2 ** attempt * (1 + Math.random()));
      let res: Response;
      try {
        res = await doFetch(url, {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        // By name: the DOMException may come from another realm (jsdom, test runners).
        if ((err as { name?: unknown } | null)?.name === 'TimeoutError') {
          throw new SentinelError(504, `Sentinel did not answer within ${timeoutMs} ms`, { cause: err });
        }
        if (!connectionRefused(err) || !canRetry) throw new SentinelError(503, 'Sentinel is unreachable', { cause: err });
        await backoff();
        continue;
      }
      if (res.ok) {
        if (res.status === 204) return undefined as T;
        return (await res.json()) as T;
      }
      const again = res.status === 503 || (res.status === 502 && call.retryable === 'always');
      if (again && canRetry) {
        await res.body?.cancel();
        await backoff();
        continue;
      }
      throw new SentinelError(res.status, await detailOf(res));
    }
  };
}
