/**
 * The one way the panel talks to the gateway: cookies included (the admin session), and
 * X-Requested-With on every request (the admin tier refuses mutations without it). Errors carry
 * the API's `detail`; a 401 (or an admin who is no longer one) sends the user back to sign-in.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  body?: unknown;
  form?: FormData;
}

let baseUrl = '';
/** Whether an admin request succeeded since the page loaded: a 401 then means the session ended. */
let signedIn = false;
let onSessionEnded: (reason: string, hadSession: boolean) => void = () => undefined;

export function configureApi(options: { apiUrl: string; onSessionEnded: (reason: string, hadSession: boolean) => void }): void {
  baseUrl = options.apiUrl.replace(/\/+$/, '');
  onSessionEnded = options.onSessionEnded;
}

export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${baseUrl}${path}${search ? `?${search}` : ''}`;
}

async function errorOf(res: Response): Promise<ApiError> {
  let detail = `${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.json()) as { detail?: unknown; errors?: Array<{ loc?: unknown[]; msg?: string }> };
    if (typeof body.detail === 'string') detail = body.detail;
    const fields = (body.errors ?? []).map((e) => `${(e.loc ?? []).slice(1).join('.') || 'input'}: ${e.msg ?? ''}`);
    if (fields.length > 0) detail = `${detail} (${fields.join('; ')})`;
  } catch {
    // Not JSON (a proxy's page): the status line says enough.
  }
  if (res.status === 429) detail = `${detail}. Retry in ${res.headers.get('retry-after') ?? 'a few'} seconds.`;
  return new ApiError(res.status, detail);
}

/** A raw response (for downloads); throws ApiError on any non-2xx answer. */
export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, options.query), { method: options.method ?? 'GET', credentials: 'include', headers, body });
  } catch {
    throw new ApiError(0, 'The Sentinel API cannot be reached. Check that the gateway is running.');
  }
  if (res.ok) {
    if (path.startsWith('/admin') || path === '/auth/admin/me') signedIn = true;
    return res;
  }
  const error = await errorOf(res);
  if (res.status === 401 || (res.status === 403 && error.message === 'Not an admin')) {
    onSessionEnded(error.message, signedIn);
    signedIn = false;
  }
  throw error;
}

/** JSON in, JSON out; 204 gives undefined. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await apiFetch(path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Saves a file the API answers (exports) through the browser's download. */
export async function download(path: string, query: Query, filename: string): Promise<void> {
  const res = await apiFetch(path, { query });
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
