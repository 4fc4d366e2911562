import { SentinelError } from '../errors';
import { createSend, type HttpOptions, type Send } from '../http';
import type { LoginWorkspace, TokenPair } from '../types';
import { createPkcePair } from './pkce';
import { MemoryStorage, type TokenStorage } from './storage';

export interface LoginClientOptions extends HttpOptions {
  /** The gateway's URL, e.g. https://sentinel.example.com. */
  baseUrl: string;
  /** Where Sentinel sends the browser back with `?code=`; must be a redirect URI of an active client app. */
  redirectUri: string;
  /** Default: in memory (lost on reload). */
  storage?: TokenStorage;
  /** Prefix of the storage keys. Default `sentinel`. */
  storageKey?: string;
  /** An access token this close to expiry is refreshed before use. Default 30. */
  refreshMarginSeconds?: number;
}

interface PendingLogin {
  verifier: string;
  provider: string;
}

interface StoredTokens {
  access_token: string;
  refresh_token: string;
  /** Epoch milliseconds, from `expires_in` as received (no need to trust the browser's clock against the server's). */
  expires_at: number;
}

/**
 * The browser side of Sentinel's PKCE login: start → provider → back with `?code=` → pick a
 * workspace → exchange; then access tokens refreshed on demand (one refresh in flight at a time)
 * and logout. Sentinel echoes no client `state`: the PKCE verifier, kept in `storage` between
 * start and exchange, is what binds the code to this browser (a code injected from elsewhere
 * fails the exchange).
 */
export class LoginClient {
  readonly #options: LoginClientOptions;
  readonly #storage: TokenStorage;
  readonly #send: Send;
  readonly #keys: { pending: string; tokens: string };
  #refreshing: Promise<string | null> | undefined;

  constructor(options: LoginClientOptions) {
    this.#options = options;
    this.#storage = options.storage ?? new MemoryStorage();
    this.#send = createSend(options.baseUrl, options);
    const prefix = options.storageKey ?? 'sentinel';
    this.#keys = { pending: `${prefix}.login`, tokens: `${prefix}.tokens` };
  }

  /** The URL to send the browser to (`location.assign(url)`); the verifier is stored meanwhile. */
  async startLogin(provider: string): Promise<string> {
    const { verifier, challenge } = await createPkcePair();
    await this.#storage.setItem(this.#keys.pending, JSON.stringify({ verifier, provider } satisfies PendingLogin));
    const url = new URL(`auth/login/${encodeURIComponent(provider)}`, this.#options.baseUrl.replace(/\/?$/, '/'));
    url.search = new URLSearchParams({
      redirect_uri: this.#options.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  /** The one-time code from the redirect URL (`location.href`), for listWorkspaces and exchange. */
  async handleCallback(url: string | URL): Promise<string> {
    const code = new URL(url).searchParams.get('code');
    if (!code) throw new SentinelError(400, 'The callback URL carries no code');
    if (!(await this.#pending())) throw new SentinelError(400, 'No login in progress in this browser: start it with startLogin');
    return code;
  }

  /** The user's workspaces; the code is not consumed. */
  listWorkspaces(code: string): Promise<LoginWorkspace[]> {
    return this.#send({ method: 'GET', path: `/auth/workspaces?${new URLSearchParams({ code }).toString()}`, retryable: 'always' });
  }

  /** Spends the code for tokens in `workspaceId` and stores them. */
  async exchange(code: string, workspaceId: string): Promise<void> {
    const pending = await this.#pending();
    if (!pending) throw new SentinelError(400, 'No login in progress in this browser: start it with startLogin');
    // The code is single use: never re-sent after an answer that may mean it was spent.
    const pair = await this.#send<TokenPair>({
      method: 'POST',
      path: '/auth/token',
      body: { code, workspace_id: workspaceId, code_verifier: pending.verifier },
      retryable: 'unprocessed',
    });
    await this.#storage.removeItem(this.#keys.pending);
    await this.#store(pair);
  }

  /**
   * A valid access token, refreshed first when it is expired or about to be; null when signed
   * out or the session was revoked. Concurrent callers share one refresh: refresh tokens are
   * single use, and a second presentation would revoke the whole session.
   */
  async getAccessToken(): Promise<string | null> {
    const tokens = await this.#tokens();
    if (!tokens) return null;
    const marginMs = (this.#options.refreshMarginSeconds ?? 30) * 1000;
    if (Date.now() < tokens.expires_at - marginMs) return tokens.access_token;
    this.#refreshing ??= this.#refresh(tokens.refresh_token).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** `fetch` with the user's bearer token (refreshed as needed); 401 SentinelError when signed out. */
  async fetch(input: Parameters<typeof fetch>[0], init: RequestInit = {}): Promise<Response> {
    const token = await this.getAccessToken();
    if (!token) throw new SentinelError(401, 'Not signed in');
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    const doFetch = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    return doFetch(input, { ...init, headers });
  }

  /** Ends every session of the user at Sentinel, then forgets the tokens here (even if the call fails). */
  async logout(): Promise<void> {
    try {
      const token = await this.getAccessToken();
      if (!token) return;
      await this.#send({ method: 'POST', path: '/auth/logout', headers: { authorization: `Bearer ${token}` }, retryable: 'always' }).catch((err: unknown) => {
        // 401: the token was already revoked (a repeated logout), which is what logout wants.
        if (!(err instanceof SentinelError && err.status === 401)) throw err;
      });
    } finally {
      await this.#storage.removeItem(this.#keys.tokens);
    }
  }

  async #refresh(refreshToken: string): Promise<string | null> {
    let pair: TokenPair;
    try {
      // Single use: re-sent only when it surely was not processed (503, connection refused).
      pair = await this.#send<TokenPair>({ method: 'POST', path: '/auth/refresh', body: { refresh_token: refreshToken }, retryable: 'unprocessed' });
    } catch (err) {
      if (err instanceof SentinelError && err.status === 401) {
        await this.#storage.removeItem(this.#keys.tokens);
        return null;
      }
      throw err;
    }
    await this.#store(pair);
    return pair.access_token;
  }

  async #store(pair: TokenPair): Promise<void> {
    const tokens: StoredTokens = { access_token: pair.access_token, refresh_token: pair.refresh_token, expires_at: Date.now() + pair.expires_in * 1000 };
    await this.#storage.setItem(this.#keys.tokens, JSON.stringify(tokens));
  }

  async #tokens(): Promise<StoredTokens | null> {
    return this.#read<StoredTokens>(this.#keys.tokens);
  }

  async #pending(): Promise<PendingLogin | null> {
    return this.#read<PendingLogin>(this.#keys.pending);
  }

  async #read<T>(key: string): Promise<T | null> {
    const raw = await this.#storage.getItem(key);
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return null;
    }
  }
}
